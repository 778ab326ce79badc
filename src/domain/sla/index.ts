export * from './calendar.js';
export * from './clock.js';
