import type { DomainEvent } from '../decider.js';
import type { FieldError } from '../errors.js';
import { IllegalStateError, NotFoundError, ValidationError } from '../errors.js';

/**
 * Maintenance of an asset (a service visit, a battery swap, a firmware update) lives in the asset's
 * own stream, so the asset's history tells the whole story of the thing. Costs are decimal strings
 * like the purchase cost, with an optional ISO 4217 currency for the record.
 */
export const MAINTENANCE_STATUSES = ['planned', 'done', 'cancelled'] as const;
export type MaintenanceStatus = (typeof MAINTENANCE_STATUSES)[number];

export type AssetMaintenancePlanned = DomainEvent<
  'AssetMaintenancePlanned',
  {
    maintenanceId: string;
    kind: string;
    title: string;
    description: string;
    plannedFor: string;
    vendor: string | null;
    estimatedCost: string | null;
    currency: string | null;
    at: string;
  }
>;
export type AssetMaintenanceCompleted = DomainEvent<'AssetMaintenanceCompleted', { maintenanceId: string; doneOn: string; actualCost: string | null; notes: string | null; at: string }>;
export type AssetMaintenanceCancelled = DomainEvent<'AssetMaintenanceCancelled', { maintenanceId: string; reason: string | null; at: string }>;
export type AssetMaintenanceEvent = AssetMaintenancePlanned | AssetMaintenanceCompleted | AssetMaintenanceCancelled;

export interface MaintenancePlan {
  readonly kind: string;
  readonly title: string;
  readonly description?: string | undefined;
  /** A calendar date; optional only when the maintenance is recorded as already done. */
  readonly plannedFor?: string | undefined;
  readonly vendor?: string | null | undefined;
  readonly estimatedCost?: string | number | null | undefined;
  readonly currency?: string | null | undefined;
}

export interface MaintenanceCompletion {
  /** A calendar date, not after today. */
  readonly doneOn: string;
  readonly actualCost?: string | number | null | undefined;
  readonly notes?: string | undefined;
}

/** `done` records work already carried out: a plan and its completion in one go. */
export type PlanAssetMaintenance = { type: 'PlanAssetMaintenance'; maintenanceId: string; plan: MaintenancePlan; done?: MaintenanceCompletion; now: Date };
export type CompleteAssetMaintenance = { type: 'CompleteAssetMaintenance'; maintenanceId: string; completion: MaintenanceCompletion; now: Date };
export type CancelAssetMaintenance = { type: 'CancelAssetMaintenance'; maintenanceId: string; reason?: string | undefined; now: Date };
export type AssetMaintenanceCommand = PlanAssetMaintenance | CompleteAssetMaintenance | CancelAssetMaintenance;

/** What the asset decider needs to know of its maintenance: which records exist and where each stands. */
export type MaintenanceLedger = Readonly<Record<string, MaintenanceStatus>>;

/** Kit that has left service gets no new work planned on it. */
const OUT_OF_SERVICE: readonly string[] = ['retired', 'disposed'];

export function evolveMaintenance(ledger: MaintenanceLedger, event: AssetMaintenanceEvent): MaintenanceLedger {
  switch (event.type) {
    case 'AssetMaintenancePlanned':
      return { ...ledger, [event.data.maintenanceId]: 'planned' };
    case 'AssetMaintenanceCompleted':
      return { ...ledger, [event.data.maintenanceId]: 'done' };
    case 'AssetMaintenanceCancelled':
      return { ...ledger, [event.data.maintenanceId]: 'cancelled' };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

export function decideMaintenance(command: AssetMaintenanceCommand, assetStatus: string, ledger: MaintenanceLedger): AssetMaintenanceEvent[] {
  switch (command.type) {
    case 'PlanAssetMaintenance':
      return plan(command, assetStatus, ledger);
    case 'CompleteAssetMaintenance':
      return [complete(command.maintenanceId, command.completion, ledger[command.maintenanceId], command.now)];
    case 'CancelAssetMaintenance':
      return [cancel(command, ledger[command.maintenanceId])];
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function plan(command: PlanAssetMaintenance, assetStatus: string, ledger: MaintenanceLedger): AssetMaintenanceEvent[] {
  if (OUT_OF_SERVICE.includes(assetStatus)) throw new IllegalStateError(`no maintenance is planned on a ${assetStatus} asset`, { currentStatus: assetStatus });
  if (ledger[command.maintenanceId] !== undefined) throw new IllegalStateError('this maintenance already exists');
  const problems: FieldError[] = [];
  const { plan: p, done } = command;
  const kind = text(p.kind, '/kind', 1, 60, problems);
  const title = text(p.title, '/title', 1, 200, problems);
  const description = text(p.description ?? '', '/description', 0, 5000, problems);
  const plannedRaw = p.plannedFor ?? done?.doneOn;
  if (plannedRaw === undefined) problems.push({ path: '/plannedFor', message: 'required unless the maintenance is recorded as done' });
  const plannedFor = plannedRaw === undefined ? '' : calendarDate(plannedRaw, '/plannedFor', problems);
  const vendor = p.vendor === undefined || p.vendor === null ? null : text(p.vendor, '/vendor', 0, 200, problems) || null;
  const estimatedCost = decimal(p.estimatedCost, '/estimatedCost', problems);
  const currency = currencyCode(p.currency, problems);
  const completion = done === undefined ? null : completionData(command.maintenanceId, done, command.now, problems);
  if (problems.length > 0) throw new ValidationError('invalid maintenance', problems);
  const at = command.now.toISOString();
  const planned: AssetMaintenanceEvent = { type: 'AssetMaintenancePlanned', data: { maintenanceId: command.maintenanceId, kind, title, description, plannedFor, vendor, estimatedCost, currency, at } };
  return completion === null ? [planned] : [planned, { type: 'AssetMaintenanceCompleted', data: completion }];
}

function complete(maintenanceId: string, completion: MaintenanceCompletion, status: MaintenanceStatus | undefined, now: Date): AssetMaintenanceEvent {
  if (status === undefined) throw new NotFoundError('maintenance not found');
  if (status !== 'planned') throw new IllegalStateError(`this maintenance is already ${status}`, { currentStatus: status });
  const problems: FieldError[] = [];
  const data = completionData(maintenanceId, completion, now, problems);
  if (problems.length > 0) throw new ValidationError('invalid completion', problems);
  return { type: 'AssetMaintenanceCompleted', data };
}

function cancel(command: CancelAssetMaintenance, status: MaintenanceStatus | undefined): AssetMaintenanceEvent {
  if (status === undefined) throw new NotFoundError('maintenance not found');
  if (status !== 'planned') throw new IllegalStateError(`this maintenance is already ${status}`, { currentStatus: status });
  const problems: FieldError[] = [];
  const reason = text(command.reason ?? '', '/reason', 0, 2000, problems);
  if (problems.length > 0) throw new ValidationError('invalid cancellation', problems);
  return { type: 'AssetMaintenanceCancelled', data: { maintenanceId: command.maintenanceId, reason: reason === '' ? null : reason, at: command.now.toISOString() } };
}

function completionData(maintenanceId: string, completion: MaintenanceCompletion, now: Date, problems: FieldError[]): AssetMaintenanceCompleted['data'] {
  const doneOn = calendarDate(completion.doneOn, '/doneOn', problems);
  // Dates compare as text in YYYY-MM-DD; "done tomorrow" is a plan, not a record.
  if (/^\d{4}-\d{2}-\d{2}$/.test(doneOn) && doneOn > now.toISOString().slice(0, 10)) problems.push({ path: '/doneOn', message: 'cannot be in the future' });
  const actualCost = decimal(completion.actualCost, '/actualCost', problems);
  const notes = text(completion.notes ?? '', '/notes', 0, 5000, problems);
  return { maintenanceId, doneOn, actualCost, notes: notes === '' ? null : notes, at: now.toISOString() };
}

function text(raw: string, path: string, min: number, max: number, problems: FieldError[]): string {
  const value = raw.trim();
  if (value.length < min || value.length > max) problems.push({ path, message: `between ${min} and ${max} characters` });
  return value;
}

function calendarDate(raw: string, path: string, problems: FieldError[]): string {
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(raw) && !Number.isNaN(Date.parse(`${raw}T00:00:00Z`)) && new Date(`${raw}T00:00:00Z`).toISOString().startsWith(raw);
  if (!valid) problems.push({ path, message: 'a calendar date, YYYY-MM-DD' });
  return raw;
}

/** The same shape as an asset's purchase cost, so both add up without conversion. */
function decimal(raw: string | number | null | undefined, path: string, problems: FieldError[]): string | null {
  if (raw === undefined || raw === null) return null;
  const value = typeof raw === 'number' ? (Number.isFinite(raw) ? String(raw) : '') : raw.trim();
  if (!/^\d{1,15}(\.\d{1,4})?$/.test(value)) problems.push({ path, message: 'a non-negative decimal with at most 4 decimal places' });
  return value;
}

function currencyCode(raw: string | null | undefined, problems: FieldError[]): string | null {
  if (raw === undefined || raw === null) return null;
  const value = raw.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(value)) problems.push({ path: '/currency', message: 'an ISO 4217 code such as EUR' });
  return value;
}
