import type { RouteCase } from './cases.js';
import { everyone } from './cases.js';

/** The API reference is public: the same answer for everyone, whatever token they send. */
export function referenceRoutes(): Record<string, RouteCase> {
  return {
    'GET /openapi.json': { expect: everyone(200) },
    'GET /api/v1/openapi.json': { expect: everyone(200) },
    'GET /docs': { expect: everyone(200) },
    'GET /docs/assets/:file': { expect: everyone(200), prepare: () => Promise.resolve({ params: { file: 'reference.js' } }) },
  };
}
