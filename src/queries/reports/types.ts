/** The reports the analysts' API serves, and how each may be grouped. */
export const REPORT_GROUPINGS = {
  summary: ['type', 'priority', 'team', 'category', 'service', 'agent'],
  backlog: ['day', 'team', 'priority'],
  sla: ['week', 'team', 'priority', 'type', 'agent'],
  mttr: ['priority', 'team', 'type', 'category', 'service', 'week', 'agent'],
} as const;

export type ReportName = keyof typeof REPORT_GROUPINGS;
export type Grouping = (typeof REPORT_GROUPINGS)[ReportName][number];

/** A report over whole UTC days: `from` and `to` are 'YYYY-MM-DD', both included. */
export interface ReportRequest {
  readonly tenantId: string;
  readonly from: string;
  readonly to: string;
  readonly groupBy: Grouping;
}

export type Cell = string | number | null;

/** The same rows serve JSON and CSV; `columns` fixes the CSV header even when there are no rows. */
export interface ReportTable {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<Readonly<Record<string, Cell>>>;
}
