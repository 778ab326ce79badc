export type { SchedulerOptions } from './scheduler.js';
export { Scheduler } from './scheduler.js';
