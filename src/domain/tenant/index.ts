export * from './tenant.js';
export * from './slug-reservation.js';
