import { REPORT_GROUPINGS } from '../../queries/reports/index.js';
import type { ReportName } from '../../queries/reports/index.js';
import type { JsonSchema } from '../reference/json-schema.js';
import type { Area } from '../reference/operation.js';
import { MAX_REPORT_DAYS, reportQueries } from './router.js';

const SUMMARIES: Readonly<Record<ReportName, readonly [string, string]>> = {
  summary: ['Ticket flow', 'Opened (with their reopens and breaches), resolved, closed and cancelled in the range.'],
  backlog: ['Daily backlog', 'Tickets open at the end of each UTC day of the range; by day every day has a row.'],
  sla: ['SLA compliance', 'Met and breached first-response and resolution targets of the tickets opened in the range, and the share met.'],
  mttr: ['Mean time to respond and resolve', 'Of the tickets resolved in the range: business minutes as the SLA clocks count them, and wall-clock minutes.'],
};

const reportAnswer: JsonSchema = {
  type: 'object',
  required: ['data', 'from', 'to', 'groupBy'],
  properties: {
    data: { type: 'array', items: { type: 'object', additionalProperties: { type: ['string', 'number', 'null'] } } },
    from: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    to: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    groupBy: { type: 'string' },
  },
};

/** The reports for the OpenAPI document; listed in src/api/reference/document.ts's AREAS. */
export const reportsArea: Area = {
  tag: 'Reports',
  description: "Service-desk figures from the reporting schema (admins, managers, auditors). `Accept: text/csv` answers the same rows as CSV.",
  access: 'signedIn',
  idempotent: false,
  operations: (Object.keys(REPORT_GROUPINGS) as ReportName[]).map((name) => ({
    method: 'GET' as const,
    path: `/api/v1/reports/${name}`,
    summary: SUMMARIES[name][0],
    description: `${SUMMARIES[name][1]} Whole UTC days, both ends included, at most ${MAX_REPORT_DAYS}; without \`from\` the 30 days up to \`to\` (default today).`,
    query: reportQueries[name],
    ok: { status: 200, description: 'The rows, as JSON or (Accept: text/csv) as CSV with a header line.', schema: reportAnswer },
  })),
};
