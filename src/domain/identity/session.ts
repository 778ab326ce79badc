import type { DomainEvent } from '../decider.js';
import { IllegalStateError, UnauthorizedError } from '../errors.js';

/**
 * A sign-in session: one family of rotating refresh tokens. Only hashes of tokens are kept. A token
 * presented twice means it leaked: the whole family is revoked (reuse detection).
 */
export type SessionStarted = DomainEvent<'SessionStarted', { sessionId: string; userId: string; tenantId: string; tokenHash: string; expiresAt: string; startedAt: string; method: string }>;
export type SessionRefreshed = DomainEvent<'SessionRefreshed', { tokenHash: string; previousTokenHash: string; expiresAt: string; at: string }>;
export type SessionRevoked = DomainEvent<'SessionRevoked', { reason: SessionEndReason; at: string }>;
export type SessionEvent = SessionStarted | SessionRefreshed | SessionRevoked;

export type SessionEndReason = 'logout' | 'refresh_token_reused' | 'password_changed' | 'user_deactivated';

export type StartSession = { type: 'StartSession'; sessionId: string; userId: string; tenantId: string; tokenHash: string; expiresAt: Date; method: string; now: Date };
export type RefreshSession = { type: 'RefreshSession'; presentedHash: string; newHash: string; expiresAt: Date; now: Date };
export type RevokeSession = { type: 'RevokeSession'; reason: SessionEndReason; now: Date };
export type SessionCommand = StartSession | RefreshSession | RevokeSession;

export type Session =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'revoked';
      readonly userId: string;
      readonly tenantId: string;
      readonly currentHash: string;
      readonly usedHashes: readonly string[];
      readonly expiresAt: string;
    };

export const sessionStream = (sessionId: string): string => `session-${sessionId}`;

export const sessionDecider = {
  initialState: (): Session => ({ status: 'none' }),
  evolve(state: Session, event: SessionEvent): Session {
    switch (event.type) {
      case 'SessionStarted':
        return { status: 'active', userId: event.data.userId, tenantId: event.data.tenantId, currentHash: event.data.tokenHash, usedHashes: [], expiresAt: event.data.expiresAt };
      case 'SessionRefreshed':
        return state.status === 'none' ? state : { ...state, currentHash: event.data.tokenHash, usedHashes: [...state.usedHashes, event.data.previousTokenHash], expiresAt: event.data.expiresAt };
      case 'SessionRevoked':
        return state.status === 'none' ? state : { ...state, status: 'revoked' };
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },
  decide(command: SessionCommand, state: Session): SessionEvent[] {
    switch (command.type) {
      case 'StartSession':
        if (state.status !== 'none') throw new IllegalStateError('the session already exists');
        return [
          {
            type: 'SessionStarted',
            data: { sessionId: command.sessionId, userId: command.userId, tenantId: command.tenantId, tokenHash: command.tokenHash, expiresAt: command.expiresAt.toISOString(), startedAt: command.now.toISOString(), method: command.method },
          },
        ];
      case 'RefreshSession': {
        if (state.status !== 'active') throw new UnauthorizedError('invalid refresh token');
        if (state.usedHashes.includes(command.presentedHash)) {
          return [{ type: 'SessionRevoked', data: { reason: 'refresh_token_reused', at: command.now.toISOString() } }];
        }
        if (state.currentHash !== command.presentedHash || Date.parse(state.expiresAt) <= command.now.getTime()) {
          throw new UnauthorizedError('invalid refresh token');
        }
        return [{ type: 'SessionRefreshed', data: { tokenHash: command.newHash, previousTokenHash: command.presentedHash, expiresAt: command.expiresAt.toISOString(), at: command.now.toISOString() } }];
      }
      case 'RevokeSession':
        return state.status === 'active' ? [{ type: 'SessionRevoked', data: { reason: command.reason, at: command.now.toISOString() } }] : [];
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },
};
