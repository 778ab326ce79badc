import { uniqueSuffix } from '../../support/identity-fixtures.js';
import type { RouteCase } from './cases.js';
import { signedIn } from './cases.js';
import { sharedAssets } from './cmdb.js';

/**
 * Admins and managers import assets from CSV; every agent exports them. The other tenant's admin
 * imports a file naming tenant A's category id: the rows fail as naming no category of theirs, so
 * nothing is imported, in a 422 report that repeats none of tenant A's ids. Their export lists only their own assets.
 */
export function assetTransferRoutes(): Record<string, RouteCase> {
  return {
    'POST /api/v1/assets/import': {
      expect: signedIn(200, 200, 403, 403, 422),
      prepare: async (world) => ({
        raw: { contentType: 'text/csv', body: `tag,name,category,attr.ramGb\r\nCSV-${uniqueSuffix()},Imported by the matrix,${(await sharedAssets(world)).category},8\r\n` },
      }),
    },
    'GET /api/v1/assets/export': {
      expect: signedIn(200, 200, 200, 403, 200),
      prepare: async (world) => {
        await sharedAssets(world);
        return {};
      },
    },
  };
}
