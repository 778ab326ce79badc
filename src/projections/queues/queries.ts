import type { Knex } from 'knex';
import type { AssignmentStrategy, QueueRules, RoutingQueue } from '../../domain/queue/index.js';
import type { TicketType } from '../../domain/ticket/index.js';
import type { Page } from '../pagination.js';
import { pageByName } from '../pagination.js';
import { QUEUES } from './queues.js';

export interface QueueView {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly teamId: string;
  readonly rules: QueueRules;
  readonly position: number;
  readonly strategy: AssignmentStrategy;
  readonly active: boolean;
  /** Where the rotation stands: the last agent the strategy picked, for which ticket, when. */
  readonly lastAssignment: { readonly assigneeId: string; readonly ticketId: string; readonly at: string } | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

interface QueueRow {
  id: string;
  name: string;
  description: string;
  team_id: string;
  ticket_types: string[];
  category_ids: string[];
  service_ids: string[];
  position: number;
  strategy: string;
  active: boolean;
  last_assignee_id: string | null;
  last_ticket_id: string | null;
  last_picked_at: Date | null;
  created_at: Date;
  updated_at: Date;
  version: number;
}

const COLUMNS = ['id', 'name', 'description', 'team_id', 'ticket_types', 'category_ids', 'service_ids', 'position', 'strategy', 'active', 'last_assignee_id', 'last_ticket_id', 'last_picked_at', 'created_at', 'updated_at', 'version'];

export interface QueueFilter {
  readonly limit: number;
  readonly cursor?: string | undefined;
  readonly active?: boolean | undefined;
  readonly teamId?: string | undefined;
}

export async function getQueue(knex: Knex, tenantId: string, id: string): Promise<QueueView | null> {
  const row = (await knex(QUEUES).select(COLUMNS).where({ tenant_id: tenantId, id }).first()) as QueueRow | undefined;
  return row ? queueView(row) : null;
}

export async function listQueues(knex: Knex, tenantId: string, filter: QueueFilter): Promise<Page<QueueView>> {
  const query = knex(QUEUES).select(COLUMNS).where({ tenant_id: tenantId });
  if (filter.active !== undefined) query.andWhere({ active: filter.active });
  if (filter.teamId !== undefined) query.andWhere({ team_id: filter.teamId });
  return pageByName(query, filter, queueView);
}

/** The tenant's active queues, for routing a new ticket. */
export async function activeQueues(knex: Knex, tenantId: string): Promise<Array<RoutingQueue & { teamId: string }>> {
  const rows = (await knex(QUEUES).select(COLUMNS).where({ tenant_id: tenantId, active: true }).orderBy([{ column: 'position' }, { column: 'name' }, { column: 'id' }]).limit(1000)) as QueueRow[];
  return rows.map((row) => ({ id: row.id, name: row.name, position: row.position, teamId: row.team_id, rules: rulesOf(row) }));
}

function rulesOf(row: QueueRow): QueueRules {
  return { ticketTypes: row.ticket_types as TicketType[], categoryIds: row.category_ids, serviceIds: row.service_ids };
}

function queueView(row: QueueRow): QueueView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    teamId: row.team_id,
    rules: rulesOf(row),
    position: row.position,
    strategy: row.strategy as AssignmentStrategy,
    active: row.active,
    lastAssignment: row.last_assignee_id && row.last_ticket_id && row.last_picked_at ? { assigneeId: row.last_assignee_id, ticketId: row.last_ticket_id, at: new Date(row.last_picked_at).toISOString() } : null,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    version: row.version,
  };
}
