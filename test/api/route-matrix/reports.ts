import type { RouteCase } from './cases.js';
import { signedIn } from './cases.js';

/**
 * Reports read the caller's own tenant (no ids in the path): admins and managers (and auditors)
 * read them, the other tenant's admin gets their own figures, grouped by team so that a leak of
 * tenant A's team ids would show.
 */
export function reportRoutes(): Record<string, RouteCase> {
  const query = (groupBy: string) => () => Promise.resolve({ query: `from=2026-01-01&to=2026-12-31&groupBy=${groupBy}` });
  return {
    'GET /api/v1/reports/summary': { expect: signedIn(200, 200, 403, 403, 200), prepare: query('team') },
    'GET /api/v1/reports/backlog': { expect: signedIn(200, 200, 403, 403, 200), prepare: query('team') },
    'GET /api/v1/reports/sla': { expect: signedIn(200, 200, 403, 403, 200), prepare: query('team') },
    'GET /api/v1/reports/mttr': { expect: signedIn(200, 200, 403, 403, 200), prepare: query('team') },
  };
}
