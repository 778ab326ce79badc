export * from './calendar.js';
export * from './clock.js';
export type {
  BusinessCalendarCommand,
  BusinessCalendarEvent,
  BusinessCalendarState,
  CalendarDefinition,
  ExistingBusinessCalendar,
} from './business-calendar.js';
export { businessCalendarDecider, businessCalendarStream, calendarProblems, currentCalendar } from './business-calendar.js';
export type {
  CalendarFound,
  Escalation,
  EscalationInput,
  EscalationStep,
  EscalationStepInput,
  ExistingSlaPolicy,
  Found,
  PolicyCandidate,
  PolicyDefinition,
  PolicyScope,
  PolicyTarget,
  PolicyTargets,
  ScopeInput,
  SlaPolicy,
  SlaPolicyCommand,
  SlaPolicyEvent,
  TicketForSelection,
} from './policy.js';
export { MAX_NOTIFIED_USERS, MAX_TARGET_MINUTES, currentPolicy, selectPolicy, slaPolicyDecider, slaPolicyStream } from './policy.js';
export { STARTER_CALENDAR_NAME, STARTER_POLICY_NAME, STARTER_TARGETS, requireTimeZone, starterCalendar } from './starter.js';
