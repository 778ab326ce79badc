import type { DomainEvent } from '../decider.js';
import { ConflictError, ValidationError } from '../errors.js';
import { SLUG_PATTERN } from './tenant.js';

/**
 * Tenant slugs are unique. A read model cannot promise that under concurrency; a stream per slug
 * can: the first reservation creates it, and the store refuses a second `no_stream` append.
 */
export type SlugReserved = DomainEvent<'TenantSlugReserved', { slug: string; tenantId: string }>;
export type ReserveSlug = { type: 'ReserveTenantSlug'; slug: string; tenantId: string };
export type SlugReservation = { reservedFor: string | null };

export const slugStream = (slug: string): string => `tenantslug-${slug}`;

export const slugReservationDecider = {
  initialState: (): SlugReservation => ({ reservedFor: null }),
  evolve: (_state: SlugReservation, event: SlugReserved): SlugReservation => ({ reservedFor: event.data.tenantId }),
  decide(command: ReserveSlug, state: SlugReservation): SlugReserved[] {
    if (!SLUG_PATTERN.test(command.slug)) {
      throw new ValidationError('invalid organization slug', [{ path: '/slug', message: 'lowercase letters, digits and dashes, 1-40 characters' }]);
    }
    if (state.reservedFor === command.tenantId) return [];
    if (state.reservedFor !== null) throw new ConflictError(`the organization slug "${command.slug}" is taken`);
    return [{ type: 'TenantSlugReserved', data: { slug: command.slug, tenantId: command.tenantId } }];
  },
};
