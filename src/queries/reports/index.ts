import type { Knex } from 'knex';
import { backlogReport } from './backlog.js';
import { mttrReport } from './mttr.js';
import { slaReport } from './sla.js';
import { summaryReport } from './summary.js';
import type { ReportName, ReportRequest, ReportTable } from './types.js';

export * from './types.js';

const REPORTS: Readonly<Record<ReportName, (knex: Knex, request: ReportRequest) => Promise<ReportTable>>> = {
  summary: summaryReport,
  backlog: backlogReport,
  sla: slaReport,
  mttr: mttrReport,
};

/** One report over the tenant's part of the `reporting` schema. */
export function runReport(knex: Knex, name: ReportName, request: ReportRequest): Promise<ReportTable> {
  return REPORTS[name](knex, request);
}
