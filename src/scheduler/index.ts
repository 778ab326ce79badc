export type { SchedulerObserver, SchedulerOptions } from './scheduler.js';
export { Scheduler } from './scheduler.js';
