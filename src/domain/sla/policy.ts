import type { DomainEvent } from '../decider.js';
import { IllegalStateError, ValidationError } from '../errors.js';
import type { FieldError } from '../errors.js';
import { PRIORITIES } from '../ticket/index.js';
import type { Priority, TicketType } from '../ticket/index.js';
import { requireCurrentVersion } from './business-calendar.js';
import { DEFAULT_WARNING_SHARE } from './clock.js';
import { requireName, stableJson } from './fields.js';

/**
 * A tenant's SLA policy: response and resolution targets per priority for the tickets its scope
 * covers, counted in a business calendar. Versioned like calendars: a ticket records the policy
 * version it was opened under, and a revision applies to tickets that select it afterwards only.
 */

/** Every field left out widens the scope; an empty scope is the tenant's default policy. */
export type PolicyScope = { ticketType?: TicketType; categoryId?: string; serviceId?: string };
export type PolicyTarget = { firstResponseMinutes: number; resolutionMinutes: number };
export type PolicyTargets = { [P in Priority]: PolicyTarget };
export type EscalationStep = { notifyUserIds?: string[]; reassignTeamId?: string };
export type Escalation = { onWarning?: EscalationStep; onBreach?: EscalationStep };

/** One version of a policy, as events and read models carry it. */
export type PolicyDefinition = {
  name: string;
  calendarId: string;
  scope: PolicyScope;
  targets: PolicyTargets;
  warningShare: number;
  /** `{}` when nothing escalates. */
  escalation: Escalation;
};

export type PolicyDefined = DomainEvent<'PolicyDefined', PolicyDefinition & { policyId: string; tenantId: string; version: number; at: string }>;
export type PolicyRevised = DomainEvent<'PolicyRevised', PolicyDefinition & { version: number; at: string }>;
export type PolicyRetired = DomainEvent<'PolicyRetired', { at: string }>;
export type SlaPolicyEvent = PolicyDefined | PolicyRevised | PolicyRetired;

/** An id as the caller looked it up in the policy's tenant: another tenant's is not found. */
export interface Found {
  readonly id: string;
  readonly found: boolean;
}
export interface CalendarFound {
  readonly id: string;
  readonly status: 'none' | 'active' | 'retired';
}
export interface ScopeInput {
  readonly ticketType?: TicketType;
  readonly category?: Found;
  readonly service?: Found;
}
export interface EscalationStepInput {
  /** Found only when an active user of the tenant. */
  readonly notify?: readonly Found[];
  readonly reassignTeam?: Found;
}
export interface EscalationInput {
  readonly onWarning?: EscalationStepInput;
  readonly onBreach?: EscalationStepInput;
}

export type DefinePolicy = {
  type: 'DefinePolicy';
  policyId: string;
  tenantId: string;
  name: string;
  calendar: CalendarFound;
  scope: ScopeInput;
  targets: PolicyTargets;
  /** 0.8 when left out. */
  warningShare?: number;
  escalation?: EscalationInput;
  now: Date;
};
/** Each field given replaces the current one whole; `basedOn` is the version the admin edited. */
export type RevisePolicy = {
  type: 'RevisePolicy';
  name?: string;
  calendar?: CalendarFound;
  scope?: ScopeInput;
  targets?: PolicyTargets;
  warningShare?: number;
  escalation?: EscalationInput;
  basedOn?: number;
  now: Date;
};
/** Tickets that recorded a version keep it; a retired policy is no longer selected for new ones. */
export type RetirePolicy = { type: 'RetirePolicy'; basedOn?: number; now: Date };
export type SlaPolicyCommand = DefinePolicy | RevisePolicy | RetirePolicy;

export type SlaPolicy =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'retired';
      readonly id: string;
      readonly tenantId: string;
      /** The number of definitions so far; the current one is `versions[version]`. */
      readonly version: number;
      readonly versions: Readonly<Record<number, PolicyDefinition>>;
    };
export type ExistingSlaPolicy = Exclude<SlaPolicy, { status: 'none' }>;

export const slaPolicyStream = (policyId: string): string => `slapolicy-${policyId}`;

/** Longer than any service desk promises; keeps business-time arithmetic from searching for years. */
export const MAX_TARGET_MINUTES = 525_600;
export const MAX_NOTIFIED_USERS = 20;

export function initialState(): SlaPolicy {
  return { status: 'none' };
}

export function evolve(state: SlaPolicy, event: SlaPolicyEvent): SlaPolicy {
  if (event.type === 'PolicyDefined') {
    const { policyId, tenantId, version, at: _at, ...definition } = event.data;
    return { status: 'active', id: policyId, tenantId, version, versions: { [version]: definition } };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'PolicyRevised': {
      const { version, at: _at, ...definition } = event.data;
      return { ...state, version, versions: { ...state.versions, [version]: definition } };
    }
    case 'PolicyRetired':
      return { ...state, status: 'retired' };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

export function decide(command: SlaPolicyCommand, state: SlaPolicy): SlaPolicyEvent[] {
  if (command.type === 'DefinePolicy') return define(command, state);
  if (state.status === 'none') throw new IllegalStateError('the SLA policy does not exist');
  requireCurrentVersion(command.basedOn, state.version);
  switch (command.type) {
    case 'RevisePolicy':
      return revise(command, state);
    case 'RetirePolicy':
      return state.status === 'retired' ? [] : [{ type: 'PolicyRetired', data: { at: command.now.toISOString() } }];
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function define(command: DefinePolicy, state: SlaPolicy): SlaPolicyEvent[] {
  if (state.status !== 'none') throw new IllegalStateError('the SLA policy already exists');
  const errors: FieldError[] = [];
  const definition: PolicyDefinition = {
    name: requireName(command.name),
    calendarId: checkCalendar(command.calendar, null, errors),
    scope: checkScope(command.scope, {}, errors),
    targets: checkTargets(command.targets, errors),
    warningShare: checkWarningShare(command.warningShare ?? DEFAULT_WARNING_SHARE, errors),
    escalation: checkEscalation(command.escalation ?? {}, new Set(), errors),
  };
  if (errors.length > 0) throw new ValidationError('invalid SLA policy', errors);
  return [{ type: 'PolicyDefined', data: { policyId: command.policyId, tenantId: command.tenantId, version: 1, ...definition, at: command.now.toISOString() } }];
}

function revise(command: RevisePolicy, state: ExistingSlaPolicy): SlaPolicyEvent[] {
  if (state.status === 'retired') throw new IllegalStateError('a retired SLA policy cannot be revised');
  const current = currentPolicy(state);
  const errors: FieldError[] = [];
  const definition: PolicyDefinition = {
    name: command.name === undefined ? current.name : requireName(command.name),
    calendarId: command.calendar === undefined ? current.calendarId : checkCalendar(command.calendar, current.calendarId, errors),
    scope: command.scope === undefined ? current.scope : checkScope(command.scope, current.scope, errors),
    targets: command.targets === undefined ? current.targets : checkTargets(command.targets, errors),
    warningShare: command.warningShare === undefined ? current.warningShare : checkWarningShare(command.warningShare, errors),
    escalation: command.escalation === undefined ? current.escalation : checkEscalation(command.escalation, referencedIds(current.escalation), errors),
  };
  if (errors.length > 0) throw new ValidationError('invalid SLA policy', errors);
  if (stableJson(definition) === stableJson(current)) return [];
  return [{ type: 'PolicyRevised', data: { version: state.version + 1, ...definition, at: command.now.toISOString() } }];
}

export function currentPolicy(state: ExistingSlaPolicy): PolicyDefinition {
  const current = state.versions[state.version];
  // Every version evolve counts is stored with it; a gap means the stream was written by something else.
  if (!current) throw new IllegalStateError(`SLA policy ${state.id} has no definition for its version ${state.version}`);
  return current;
}

// The checks below add to `errors` rather than throw, so an admin sees every problem of a policy at once.
// A reference the current version already holds needs no look-up to hold: restating it is no change,
// even if what it names was retired or deactivated since.

function checkCalendar(calendar: CalendarFound, currentId: string | null, errors: FieldError[]): string {
  if (calendar.id === currentId) return calendar.id;
  if (calendar.status === 'none') errors.push({ path: '/calendarId', message: 'no business calendar with this id' });
  else if (calendar.status === 'retired') errors.push({ path: '/calendarId', message: 'the business calendar is retired' });
  return calendar.id;
}

function checkScope(scope: ScopeInput, current: PolicyScope, errors: FieldError[]): PolicyScope {
  const checked: PolicyScope = {};
  if (scope.ticketType !== undefined) checked.ticketType = scope.ticketType;
  if (scope.category) checked.categoryId = checkFound(scope.category, current.categoryId, '/scope/categoryId', 'no category with this id', errors);
  if (scope.service) checked.serviceId = checkFound(scope.service, current.serviceId, '/scope/serviceId', 'no service with this id', errors);
  return checked;
}

function checkFound(reference: Found, currentId: string | undefined, path: string, message: string, errors: FieldError[]): string {
  if (reference.id !== currentId && !reference.found) errors.push({ path, message });
  return reference.id;
}

function checkTargets(targets: PolicyTargets, errors: FieldError[]): PolicyTargets {
  for (const priority of PRIORITIES) {
    const { firstResponseMinutes, resolutionMinutes } = targets[priority];
    const path = `/targets/${priority}`;
    for (const [field, minutes] of [['firstResponseMinutes', firstResponseMinutes], ['resolutionMinutes', resolutionMinutes]] as const) {
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_TARGET_MINUTES) errors.push({ path: `${path}/${field}`, message: `a whole number of minutes from 1 to ${MAX_TARGET_MINUTES}` });
    }
    // A first response is part of working the ticket, so it cannot be due after the resolution.
    if (firstResponseMinutes > resolutionMinutes) errors.push({ path, message: 'the first response target cannot be longer than the resolution target' });
  }
  return Object.fromEntries(PRIORITIES.map((priority) => [priority, { firstResponseMinutes: targets[priority].firstResponseMinutes, resolutionMinutes: targets[priority].resolutionMinutes }])) as PolicyTargets;
}

function checkWarningShare(share: number, errors: FieldError[]): number {
  if (!(share > 0 && share < 1)) errors.push({ path: '/warningShare', message: 'a share of the target between 0 and 1, exclusive' });
  return share;
}

function checkEscalation(escalation: EscalationInput, known: ReadonlySet<string>, errors: FieldError[]): Escalation {
  const checked: Escalation = {};
  for (const when of ['onWarning', 'onBreach'] as const) {
    const step = escalation[when];
    if (!step) continue;
    const path = `/escalation/${when}`;
    const notifyUserIds = [...new Set((step.notify ?? []).map((user) => user.id))];
    if (notifyUserIds.length > MAX_NOTIFIED_USERS) errors.push({ path: `${path}/notifyUserIds`, message: `at most ${MAX_NOTIFIED_USERS} people` });
    (step.notify ?? []).forEach((user, index) => {
      if (!user.found && !known.has(user.id)) errors.push({ path: `${path}/notifyUserIds/${index}`, message: 'no active user with this id' });
    });
    const team = step.reassignTeam;
    if (team && !team.found && !known.has(team.id)) errors.push({ path: `${path}/reassignTeamId`, message: 'no team with this id' });
    // A step that does nothing is left out, so "no escalation" has one spelling.
    if (notifyUserIds.length === 0 && !team) continue;
    checked[when] = { ...(notifyUserIds.length > 0 ? { notifyUserIds } : {}), ...(team ? { reassignTeamId: team.id } : {}) };
  }
  return checked;
}

function referencedIds(escalation: Escalation): Set<string> {
  const steps = [escalation.onWarning, escalation.onBreach];
  return new Set(steps.flatMap((step) => [...(step?.notifyUserIds ?? []), ...(step?.reassignTeamId ? [step.reassignTeamId] : [])]));
}

/** A policy in force, as selection needs it. */
export interface PolicyCandidate {
  readonly id: string;
  readonly version: number;
  readonly scope: PolicyScope;
  readonly retired: false;
  /** Where the policy's definition stands in the log: of equally specific policies, the later wins. */
  readonly definedOrder: bigint;
}

/** What selection needs to know of a ticket. */
export interface TicketForSelection {
  readonly type: TicketType;
  readonly categoryId: string | null;
  readonly serviceId: string | null;
}

/**
 * Weights as bits, so any scope naming the service outranks every scope that does not, and so on
 * down: service > category > type > none, with more conditions breaking the tie within a rank.
 */
function specificity(scope: PolicyScope): number {
  return (scope.serviceId !== undefined ? 4 : 0) + (scope.categoryId !== undefined ? 2 : 0) + (scope.ticketType !== undefined ? 1 : 0);
}

function covers(scope: PolicyScope, ticket: TicketForSelection): boolean {
  return (
    (scope.ticketType === undefined || scope.ticketType === ticket.type) &&
    (scope.categoryId === undefined || scope.categoryId === ticket.categoryId) &&
    (scope.serviceId === undefined || scope.serviceId === ticket.serviceId)
  );
}

/**
 * The policy that applies to a ticket: of those whose scope covers it, the most specific. Of equally
 * specific policies the one defined last wins (so a tenant-wide policy an admin defines takes over
 * from the one the tenant was given at signup without retiring it), then the smaller id: the answer
 * never depends on the order they were listed in. null when none covers the ticket.
 * Precedence: a policy the ticket's service names (`servicePolicyId`, set on the service in the
 * catalog) wins over every scope rule while it is in force; once retired, the scope rules decide again.
 */
export function selectPolicy<Candidate extends PolicyCandidate>(policies: readonly Candidate[], ticket: TicketForSelection, servicePolicyId: string | null = null): Candidate | null {
  const named = servicePolicyId === null ? undefined : policies.find((policy) => policy.id === servicePolicyId);
  if (named) return named;
  let best: Candidate | null = null;
  for (const policy of policies) {
    if (!covers(policy.scope, ticket)) continue;
    if (best === null) {
      best = policy;
      continue;
    }
    const difference = specificity(policy.scope) - specificity(best.scope);
    if (difference > 0 || (difference === 0 && definedBefore(best, policy))) best = policy;
  }
  return best;
}

function definedBefore(earlier: PolicyCandidate, later: PolicyCandidate): boolean {
  return earlier.definedOrder !== later.definedOrder ? earlier.definedOrder < later.definedOrder : later.id < earlier.id;
}

export const slaPolicyDecider = { initialState, evolve, decide };
