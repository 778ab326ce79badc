import { pino } from 'pino';
import type { Logger } from 'pino';
import type { Config } from './config.js';

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'itsm' },
    // Tokens and passwords must never reach a log line, whatever a handler logs.
    redact: { paths: ['req.headers.authorization', '*.password', '*.newPassword', '*.currentPassword', '*.refreshToken', '*.accessToken'], censor: '[redacted]' },
  });
}
