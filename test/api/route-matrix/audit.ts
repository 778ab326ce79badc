import type { RouteCase } from './cases.js';
import { signedIn } from './cases.js';

/** Admins and managers verify a stream's chain; only admins export the tenant's event log. */
export function auditRoutes(): Record<string, RouteCase> {
  return {
    'GET /api/v1/audit/verify': { expect: signedIn(200, 200, 403, 403, 404), prepare: (world) => Promise.resolve({ query: `stream=tenant-${world.a.id}` }) },
    // Without a stream, the caller's own tenant: the other tenant's admin checks theirs.
    'GET /api/v1/audit/verify #tenant': { expect: signedIn(200, 200, 403, 403, 200) },
    'GET /api/v1/audit/events': { expect: signedIn(200, 403, 403, 403, 200), prepare: () => Promise.resolve({ query: 'limit=20' }) },
  };
}
