import { createHash } from 'node:crypto';
import type { DomainEvent } from '../decider.js';
import { ConflictError } from '../errors.js';

/**
 * An email address belongs to at most one user per tenant. A stream per (tenant, address) makes
 * that hold under concurrency: reserving appends to it with the expected revision.
 */
export type UserEmailReserved = DomainEvent<'UserEmailReserved', { email: string; userId: string }>;
export type UserEmailReleased = DomainEvent<'UserEmailReleased', { userId: string }>;
export type EmailReservationEvent = UserEmailReserved | UserEmailReleased;

export type ReserveEmail = { type: 'ReserveEmail'; email: string; userId: string };
export type ReleaseEmail = { type: 'ReleaseEmail'; userId: string };
export type EmailReservationCommand = ReserveEmail | ReleaseEmail;

export type EmailReservation = { readonly heldBy: string | null };

/** The address is hashed so that stream ids carry no personal data. */
export function emailReservationStream(tenantId: string, normalizedEmail: string): string {
  const digest = createHash('sha256').update(normalizedEmail).digest('hex').slice(0, 40);
  return `useremail-${tenantId}:${digest}`;
}

export const emailReservationDecider = {
  initialState: (): EmailReservation => ({ heldBy: null }),
  evolve(_state: EmailReservation, event: EmailReservationEvent): EmailReservation {
    switch (event.type) {
      case 'UserEmailReserved':
        return { heldBy: event.data.userId };
      case 'UserEmailReleased':
        return { heldBy: null };
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },
  decide(command: EmailReservationCommand, state: EmailReservation): EmailReservationEvent[] {
    switch (command.type) {
      case 'ReserveEmail':
        if (state.heldBy === command.userId) return [];
        if (state.heldBy !== null) throw new ConflictError('a user with this email address already exists');
        return [{ type: 'UserEmailReserved', data: { email: command.email, userId: command.userId } }];
      case 'ReleaseEmail':
        return state.heldBy === command.userId ? [{ type: 'UserEmailReleased', data: { userId: command.userId } }] : [];
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },
};
