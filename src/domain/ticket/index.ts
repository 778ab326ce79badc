import { decide } from './decide.js';
import { evolve, initialState } from './evolve.js';

export * from './types.js';
export * from './commands.js';
export * from './priority.js';
export * from './lifecycle.js';
export * from './numbering.js';
export * from './attachments.js';
export { refuseMerge } from './merge.js';
export { statusAfter } from './status.js';
export { decide, evolve, initialState };

export const ticketStream = (ticketId: string): string => `ticket-${ticketId}`;
export const ticketDecider = { initialState, evolve, decide };
