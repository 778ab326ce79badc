/**
 * Whether an error says the database could not be reached (down, restarting, refusing or cutting
 * connections), rather than that a statement was wrong: the first is worth a retry, the second is not.
 */

/** Socket-level failures of reaching the server. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATE classes and codes of an unavailable server: 08 connection exception, 57P01-57P03
 * (shutting down, crashed, starting up), 53300 too many connections.
 */
const UNAVAILABLE_SQLSTATES = /^(08\w{3}|57P0[123]|53300)$/;

/** What node-postgres and its pool say, without a code, when a connection dies or cannot be had. */
const DRIVER_MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client was closed and is not queryable|Client has encountered a connection error|Cannot use a pool after calling end|Timeout acquiring a connection/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    const { code, message, cause, errors } = current as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.test(code))) return true;
    if (typeof message === 'string' && DRIVER_MESSAGES.test(message)) return true;
    pending.push(cause);
    // AggregateError: a connection attempt to each address the host name resolved to.
    if (Array.isArray(errors)) pending.push(...(errors as unknown[]));
  }
  return false;
}
