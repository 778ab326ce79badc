import type { JsonObject } from '../json.js';
import type { DomainEvent } from '../decider.js';
import type { FieldError } from '../errors.js';
import { IllegalStateError, ValidationError } from '../errors.js';
import { attributeProblems } from './attributes.js';
import type { AssetMaintenanceCommand, AssetMaintenanceEvent, MaintenanceLedger } from './maintenance.js';
import { decideMaintenance, evolveMaintenance } from './maintenance.js';

export const ASSET_STATUSES = ['in_stock', 'in_use', 'in_repair', 'retired', 'disposed'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

/**
 * Retired kit may come back into stock (redeployed) or leave for good; disposal is final, since
 * the thing no longer exists to be tracked.
 */
export const NEXT_STATUSES: Readonly<Record<AssetStatus, readonly AssetStatus[]>> = {
  in_stock: ['in_use', 'in_repair', 'retired'],
  in_use: ['in_stock', 'in_repair', 'retired'],
  in_repair: ['in_stock', 'in_use', 'retired'],
  retired: ['disposed', 'in_stock'],
  disposed: [],
};

/** The descriptive fields an asset write sets; absent on an update means unchanged, null clears. */
export type AssetFields = {
  readonly name: string;
  readonly categoryId: string;
  readonly ownerUserId: string | null;
  readonly location: string | null;
  readonly serial: string | null;
  readonly vendor: string | null;
  readonly purchaseDate: string | null;
  /** A decimal string, kept as text so no cent is lost to floating point. */
  readonly purchaseCost: string | null;
  readonly warrantyEnd: string | null;
  readonly attributes: JsonObject;
};

export type AssetRegistered = DomainEvent<'AssetRegistered', AssetFields & { assetId: string; tenantId: string; tag: string; status: AssetStatus; at: string }>;
export type AssetUpdated = DomainEvent<'AssetUpdated', AssetFields & { at: string }>;
export type AssetStatusChanged = DomainEvent<'AssetStatusChanged', { from: AssetStatus; to: AssetStatus; note: string | null; at: string }>;
export type AssetEvent = AssetRegistered | AssetUpdated | AssetStatusChanged | AssetMaintenanceEvent;

/** The category as the caller found it among the tenant's: its schema at the time of the write. */
export type AssetCategoryFact = { readonly id: string; readonly found: false } | { readonly id: string; readonly found: true; readonly attributesSchema: JsonObject };
/** The owner as the caller found it: `active` only for an active user of the same tenant. */
export type OwnerFact = { readonly id: string; readonly active: boolean };

export interface AssetChanges {
  readonly name?: string;
  readonly ownerUserId?: string | null;
  readonly location?: string | null;
  readonly serial?: string | null;
  readonly vendor?: string | null;
  readonly purchaseDate?: string | null;
  readonly purchaseCost?: string | number | null;
  readonly warrantyEnd?: string | null;
  readonly attributes?: JsonObject;
}

export type RegisterAsset = {
  type: 'RegisterAsset';
  assetId: string;
  tenantId: string;
  tag: string;
  name: string;
  status?: AssetStatus;
  category: AssetCategoryFact;
  owner: OwnerFact | null;
  changes: AssetChanges;
  now: Date;
};
/** `category` is always looked up: attributes are checked against its current schema on every update. */
export type UpdateAsset = { type: 'UpdateAsset'; category: AssetCategoryFact; owner?: OwnerFact | null; changes: AssetChanges; now: Date };
export type ChangeAssetStatus = { type: 'ChangeAssetStatus'; status: AssetStatus; note?: string; now: Date };
export type AssetCommand = RegisterAsset | UpdateAsset | ChangeAssetStatus | AssetMaintenanceCommand;

export type Asset =
  | { readonly status: 'none' }
  | (AssetFields & { readonly status: AssetStatus; readonly id: string; readonly tenantId: string; readonly tag: string; readonly maintenance: MaintenanceLedger });
export type ExistingAsset = Exclude<Asset, { status: 'none' }>;

export const assetStream = (id: string): string => `asset-${id}`;

export function initialState(): Asset {
  return { status: 'none' };
}

export function evolve(state: Asset, event: AssetEvent): Asset {
  switch (event.type) {
    case 'AssetRegistered': {
      const { assetId, at: _at, ...rest } = event.data;
      return { ...rest, id: assetId, maintenance: {} };
    }
    case 'AssetUpdated': {
      if (state.status === 'none') return state;
      const { at: _at, ...fields } = event.data;
      return { ...state, ...fields };
    }
    case 'AssetStatusChanged':
      return state.status === 'none' ? state : { ...state, status: event.data.to };
    case 'AssetMaintenancePlanned':
    case 'AssetMaintenanceCompleted':
    case 'AssetMaintenanceCancelled':
      return state.status === 'none' ? state : { ...state, maintenance: evolveMaintenance(state.maintenance, event) };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

export function decide(command: AssetCommand, state: Asset): AssetEvent[] {
  if (command.type === 'RegisterAsset') return register(command, state);
  if (state.status === 'none') throw new IllegalStateError('the asset does not exist');
  switch (command.type) {
    case 'UpdateAsset':
      return update(command, state);
    case 'ChangeAssetStatus':
      return changeStatus(command, state);
    case 'PlanAssetMaintenance':
    case 'CompleteAssetMaintenance':
    case 'CancelAssetMaintenance':
      return decideMaintenance(command, state.status, state.maintenance);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function register(command: RegisterAsset, state: Asset): AssetEvent[] {
  if (state.status !== 'none') throw new IllegalStateError('the asset already exists');
  const problems: FieldError[] = [];
  const tag = requireTag(command.tag, problems);
  const fields = resolve(EMPTY, { ...command.changes, name: command.name }, command.category, command.owner, problems);
  if (problems.length > 0) throw new ValidationError('invalid asset', problems);
  const data = { assetId: command.assetId, tenantId: command.tenantId, tag, status: command.status ?? 'in_stock', ...fields, at: command.now.toISOString() };
  return [{ type: 'AssetRegistered', data }];
}

function update(command: UpdateAsset, state: ExistingAsset): AssetEvent[] {
  const problems: FieldError[] = [];
  const owner = command.owner === undefined ? (state.ownerUserId === null ? null : { id: state.ownerUserId, active: true }) : command.owner;
  // The current owner may have left since; keeping them is not a new assignment.
  const ownerFact = owner !== null && owner.id === state.ownerUserId ? { id: owner.id, active: true } : owner;
  const fields = resolve(state, command.changes, command.category, ownerFact, problems);
  if (problems.length > 0) throw new ValidationError('invalid asset', problems);
  const current: AssetFields = pick(state);
  if (JSON.stringify(fields) === JSON.stringify(current)) return [];
  return [{ type: 'AssetUpdated', data: { ...fields, at: command.now.toISOString() } }];
}

function changeStatus(command: ChangeAssetStatus, state: ExistingAsset): AssetEvent[] {
  if (command.status === state.status) return [];
  const allowed = NEXT_STATUSES[state.status];
  if (!allowed.includes(command.status)) {
    throw new IllegalStateError(`an asset cannot go from ${statusWords(state.status)} to ${statusWords(command.status)}`, { currentStatus: state.status, allowedNextStatuses: [...allowed] });
  }
  const note = command.note?.trim() ?? '';
  if (note.length > 2000) throw new ValidationError('invalid note', [{ path: '/note', message: 'at most 2000 characters' }]);
  return [{ type: 'AssetStatusChanged', data: { from: state.status, to: command.status, note: note === '' ? null : note, at: command.now.toISOString() } }];
}

const EMPTY: AssetFields = { name: '', categoryId: '', ownerUserId: null, location: null, serial: null, vendor: null, purchaseDate: null, purchaseCost: null, warrantyEnd: null, attributes: {} };

function pick(state: AssetFields): AssetFields {
  const { name, categoryId, ownerUserId, location, serial, vendor, purchaseDate, purchaseCost, warrantyEnd, attributes } = state;
  return { name, categoryId, ownerUserId, location, serial, vendor, purchaseDate, purchaseCost, warrantyEnd, attributes };
}

/** Collects every problem at once, so a client fixes its form in one round trip. */
function resolve(base: AssetFields, changes: AssetChanges, category: AssetCategoryFact, owner: OwnerFact | null, problems: FieldError[]): AssetFields {
  const name = changes.name === undefined ? base.name : text(changes.name, '/name', 1, 200, problems);
  if (!category.found) problems.push({ path: '/categoryId', message: 'no asset category with this id' });
  if (owner !== null && !owner.active) problems.push({ path: '/ownerUserId', message: 'no active user with this id' });
  const optional = (value: string | null | undefined, previous: string | null, path: string): string | null => (value === undefined ? previous : value === null ? null : text(value, path, 0, 200, problems) || null);
  const purchaseDate = changes.purchaseDate === undefined ? base.purchaseDate : date(changes.purchaseDate, '/purchaseDate', problems);
  const warrantyEnd = changes.warrantyEnd === undefined ? base.warrantyEnd : date(changes.warrantyEnd, '/warrantyEnd', problems);
  const attributes = changes.attributes ?? base.attributes;
  if (category.found) problems.push(...attributeProblems(category.attributesSchema, attributes));
  return {
    name,
    categoryId: category.id,
    ownerUserId: owner?.id ?? null,
    location: optional(changes.location, base.location, '/location'),
    serial: optional(changes.serial, base.serial, '/serial'),
    vendor: optional(changes.vendor, base.vendor, '/vendor'),
    purchaseDate,
    purchaseCost: changes.purchaseCost === undefined ? base.purchaseCost : cost(changes.purchaseCost, problems),
    warrantyEnd,
    attributes,
  };
}

function text(raw: string, path: string, min: number, max: number, problems: FieldError[]): string {
  const value = raw.trim();
  if (value.length < min || value.length > max) problems.push({ path, message: `between ${min} and ${max} characters` });
  return value;
}

/** Tags are printed on labels and typed into searches: short, and free of spaces and odd characters. */
function requireTag(raw: string, problems: FieldError[]): string {
  const tag = raw.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(tag)) problems.push({ path: '/tag', message: '1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit' });
  return tag;
}

function date(raw: string | null, path: string, problems: FieldError[]): string | null {
  if (raw === null) return null;
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(raw) && !Number.isNaN(Date.parse(`${raw}T00:00:00Z`)) && new Date(`${raw}T00:00:00Z`).toISOString().startsWith(raw);
  if (!valid) problems.push({ path, message: 'a calendar date, YYYY-MM-DD' });
  return raw;
}

function cost(raw: string | number | null, problems: FieldError[]): string | null {
  if (raw === null) return null;
  const value = typeof raw === 'number' ? (Number.isFinite(raw) ? String(raw) : '') : raw.trim();
  if (!/^\d{1,15}(\.\d{1,4})?$/.test(value)) {
    problems.push({ path: '/purchaseCost', message: 'a non-negative decimal with at most 4 decimal places' });
    return value;
  }
  return value;
}

export const assetDecider = { initialState, evolve, decide };

/** `in_stock` as a person writes it: "in stock". */
function statusWords(status: AssetStatus): string {
  return status.replace('_', ' ');
}
