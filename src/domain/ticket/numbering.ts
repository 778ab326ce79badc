import type { DomainEvent } from '../decider.js';
import type { TicketType } from './types.js';
import { NUMBER_PREFIX } from './types.js';

/**
 * Ticket numbers are gap-free per tenant and type: each is the next event of one counter stream,
 * appended with the expected revision, so two tickets can never take the same number.
 */
export type TicketNumberReserved = DomainEvent<'TicketNumberReserved', { sequence: number; number: string; ticketId: string }>;

export const numberStream = (tenantId: string, type: TicketType): string => `ticketnumber-${tenantId}:${type}`;

export function formatTicketNumber(type: TicketType, sequence: number): string {
  return `${NUMBER_PREFIX[type]}-${String(sequence).padStart(6, '0')}`;
}

export const TICKET_NUMBER_PATTERN = /^(INC|REQ|PRB|CHG)-(\d{6,})$/;
