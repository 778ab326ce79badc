import Router from '@koa/router';
import type { Knex } from 'knex';
import type { Middleware } from 'koa';
import { z } from 'zod';
import { authorize } from '../../commands/identity/actor.js';
import { ValidationError } from '../../domain/errors.js';
import { REPORT_GROUPINGS, runReport } from '../../queries/reports/index.js';
import type { ReportName } from '../../queries/reports/index.js';
import type { AppState } from '../context.js';
import { actorOf } from '../identity/actor.js';
import { parseInput } from '../validation.js';
import { csvDocument } from '../csv.js';

/** The longest range one report covers, in days. */
export const MAX_REPORT_DAYS = 366;
/** Without `from`, a report covers this many days up to `to`. */
const DEFAULT_REPORT_DAYS = 30;
const DAY_MS = 86_400_000;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00.000Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, 'not a calendar date');

/** A report's query: the range in whole UTC days (both ends included) and what to group by. */
const reportQuery = <const Groupings extends readonly [string, ...string[]]>(groupings: Groupings) =>
  z.strictObject({ from: isoDate.optional(), to: isoDate.optional(), groupBy: z.enum(groupings).default(groupings[0]) });

export const reportQueries = {
  summary: reportQuery(REPORT_GROUPINGS.summary),
  backlog: reportQuery(REPORT_GROUPINGS.backlog),
  sla: reportQuery(REPORT_GROUPINGS.sla),
  mttr: reportQuery(REPORT_GROUPINGS.mttr),
} as const;

/**
 * `/api/v1/reports/{summary,backlog,sla,mttr}`: the tenant's service-desk figures from the
 * `reporting` schema (docs/reporting.md). JSON by default; `Accept: text/csv` gets the same rows
 * as a CSV download.
 */
export function reportsRouter(deps: { readonly knex: Knex; readonly clock: () => Date }, authenticate: Middleware<AppState>): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/reports' });
  router.use(authenticate);
  for (const name of Object.keys(REPORT_GROUPINGS) as ReportName[]) {
    router.get(`/${name}`, async (ctx) => {
      const actor = actorOf(ctx);
      authorize(actor, 'report.read');
      const query = parseInput(reportQueries[name], ctx.query, 'query');
      const { from, to } = rangeOf(query.from, query.to, deps.clock());
      const table = await runReport(deps.knex, name, { tenantId: actor.tenantId, from, to, groupBy: query.groupBy });
      ctx.vary('Accept');
      if (ctx.accepts('application/json', 'text/csv') === 'text/csv') {
        ctx.type = 'text/csv; charset=utf-8; header=present';
        ctx.set('Content-Disposition', `attachment; filename="${name}-${from}-${to}.csv"`);
        ctx.body = csvDocument([table.columns, ...table.rows.map((row) => table.columns.map((column) => row[column] ?? null))]);
        return;
      }
      ctx.body = { data: table.rows, from, to, groupBy: query.groupBy };
    });
  }
  return router;
}

function rangeOf(from: string | undefined, to: string | undefined, now: Date): { from: string; to: string } {
  const end = to ?? now.toISOString().slice(0, 10);
  const start = from ?? new Date(Date.parse(`${end}T00:00:00.000Z`) - (DEFAULT_REPORT_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
  const days = (Date.parse(end) - Date.parse(start)) / DAY_MS + 1;
  if (days < 1) throw new ValidationError('the query is not valid', [{ path: '/to', message: 'must not be before from' }]);
  if (days > MAX_REPORT_DAYS) throw new ValidationError('the query is not valid', [{ path: '/from', message: `the range spans ${days} days; at most ${MAX_REPORT_DAYS}` }]);
  return { from: start, to: end };
}
