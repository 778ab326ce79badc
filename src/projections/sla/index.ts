export { businessCalendarsProjection } from './business-calendars.js';
export { slaPoliciesProjection } from './sla-policies.js';
