import type { Knex } from 'knex';
import type { CalendarDefinition, PolicyCandidate, PolicyDefinition } from '../../domain/sla/index.js';
import type { Page } from '../pagination.js';
import { pageByName } from '../pagination.js';
import { CALENDAR_VERSIONS, CALENDARS } from './business-calendars.js';
import { POLICIES, POLICY_VERSIONS } from './sla-policies.js';

/**
 * `version` on these views is the calendar's or policy's own version (1, 2, …), the number a ticket
 * records and `/versions/:version` serves; it is also their ETag.
 */

export interface SlaListFilter {
  readonly limit: number;
  readonly cursor?: string | undefined;
  readonly retired?: boolean | undefined;
}

export interface CalendarView {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly retired: boolean;
  readonly calendar: CalendarDefinition;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface CalendarVersionView {
  readonly id: string;
  readonly version: number;
  readonly name: string;
  readonly calendar: CalendarDefinition;
  readonly definedAt: string;
}

export type PolicyView = PolicyDefinition & {
  readonly id: string;
  readonly version: number;
  readonly retired: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
};

export type PolicyVersionView = PolicyDefinition & {
  readonly id: string;
  readonly version: number;
  readonly definedAt: string;
};

interface CalendarRow {
  id: string;
  name: string;
  version: number;
  retired: boolean;
  calendar: CalendarDefinition;
  created_at: Date;
  updated_at: Date;
}

interface CalendarVersionRow {
  id: string;
  version: number;
  name: string;
  calendar: CalendarDefinition;
  defined_at: Date;
}

interface PolicyRow {
  id: string;
  name: string;
  version: number;
  retired: boolean;
  definition: PolicyDefinition;
  created_at: Date;
  updated_at: Date;
}

interface PolicyVersionRow {
  id: string;
  version: number;
  definition: PolicyDefinition;
  defined_at: Date;
}

const CALENDAR_COLUMNS = ['id', 'name', 'version', 'retired', 'calendar', 'created_at', 'updated_at'];
const POLICY_COLUMNS = ['id', 'name', 'version', 'retired', 'definition', 'created_at', 'updated_at'];

export async function getCalendar(knex: Knex, tenantId: string, id: string): Promise<CalendarView | null> {
  const row = (await knex(CALENDARS).select(CALENDAR_COLUMNS).where({ tenant_id: tenantId, id }).first()) as CalendarRow | undefined;
  return row ? calendarView(row) : null;
}

export async function listCalendars(knex: Knex, tenantId: string, filter: SlaListFilter): Promise<Page<CalendarView>> {
  return pageByName(filtered(knex(CALENDARS).select(CALENDAR_COLUMNS).where({ tenant_id: tenantId }), filter), filter, calendarView);
}

/** One version as it was defined, current or superseded, retired calendar or not. */
export async function getCalendarVersion(knex: Knex, tenantId: string, id: string, version: number): Promise<CalendarVersionView | null> {
  const row = (await knex(CALENDAR_VERSIONS).select('id', 'version', 'name', 'calendar', 'defined_at').where({ tenant_id: tenantId, id, version }).first()) as CalendarVersionRow | undefined;
  return row ? { id: row.id, version: row.version, name: row.name, calendar: row.calendar, definedAt: new Date(row.defined_at).toISOString() } : null;
}

export async function getPolicy(knex: Knex, tenantId: string, id: string): Promise<PolicyView | null> {
  const row = (await knex(POLICIES).select(POLICY_COLUMNS).where({ tenant_id: tenantId, id }).first()) as PolicyRow | undefined;
  return row ? policyView(row) : null;
}

export async function listPolicies(knex: Knex, tenantId: string, filter: SlaListFilter & { readonly calendarId?: string | undefined }): Promise<Page<PolicyView>> {
  const query = filtered(knex(POLICIES).select(POLICY_COLUMNS).where({ tenant_id: tenantId }), filter);
  if (filter.calendarId !== undefined) query.andWhere({ calendar_id: filter.calendarId });
  return pageByName(query, filter, policyView);
}

/** One version as it was defined, current or superseded, retired policy or not. */
export async function getPolicyVersion(knex: Knex, tenantId: string, id: string, version: number): Promise<PolicyVersionView | null> {
  const row = (await knex(POLICY_VERSIONS).select('id', 'version', 'definition', 'defined_at').where({ tenant_id: tenantId, id, version }).first()) as PolicyVersionRow | undefined;
  return row ? { ...row.definition, id: row.id, version: row.version, definedAt: new Date(row.defined_at).toISOString() } : null;
}

/** A policy in force with what terms need of it: its current definition and its calendar as it stands (null when gone). */
export interface PolicyChoice extends PolicyCandidate {
  readonly definition: PolicyDefinition;
  readonly calendar: { readonly id: string; readonly version: number } | null;
}

/**
 * The tenant's policies in force, at their current versions (what selectPolicy chooses among for
 * a new ticket), with each one's definition and calendar, in one statement: a new ticket's terms
 * cost one read instead of three (candidates, the chosen version, its calendar). The policy row
 * holds its current version's definition, which is the version a candidate stands at.
 */
export async function policyChoices(knex: Knex, tenantId: string): Promise<PolicyChoice[]> {
  const rows = (await knex(`${POLICIES} AS p`)
    .leftJoin(`${CALENDARS} AS c`, (join) => join.on('c.tenant_id', '=', 'p.tenant_id').andOn('c.id', '=', 'p.calendar_id'))
    .select('p.id', 'p.version', 'p.definition', 'p.defined_order', 'c.id AS calendar_id', 'c.version AS calendar_version')
    .where({ 'p.tenant_id': tenantId, 'p.retired': false })) as Array<Pick<PolicyRow, 'id' | 'version' | 'definition'> & { defined_order: string; calendar_id: string | null; calendar_version: number | null }>;
  return rows.map((row) => ({
    id: row.id,
    version: row.version,
    scope: row.definition.scope,
    retired: false,
    definedOrder: BigInt(row.defined_order),
    definition: row.definition,
    calendar: row.calendar_id !== null && row.calendar_version !== null ? { id: row.calendar_id, version: row.calendar_version } : null,
  }));
}

function filtered(query: Knex.QueryBuilder, filter: SlaListFilter): Knex.QueryBuilder {
  return filter.retired === undefined ? query : query.andWhere({ retired: filter.retired });
}

function calendarView(row: CalendarRow): CalendarView {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    retired: row.retired,
    calendar: row.calendar,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function policyView(row: PolicyRow): PolicyView {
  return {
    id: row.id,
    version: row.version,
    retired: row.retired,
    ...row.definition,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** The policies in force that count in this calendar, from the read model (callers let it catch up first). */
export async function policiesUsingCalendar(knex: Knex, tenantId: string, calendarId: string): Promise<string[]> {
  const rows = (await knex('sla_policies').select('id').where({ tenant_id: tenantId, calendar_id: calendarId, retired: false }).orderBy('id')) as Array<{ id: string }>;
  return rows.map((row) => row.id);
}
