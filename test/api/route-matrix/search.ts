import { call } from '../../support/api.js';
import { bearer, expectStatus } from '../../support/identity-fixtures.js';
import type { RouteCase, World } from './cases.js';
import { signedIn } from './cases.js';

const WORD = 'routematrixsearchable';
const made = new Map<string, Promise<void>>();

/** A ticket in each tenant holding the word, so the other tenant's admin gets rows of their own, never A's. */
function sharedSearchTargets(world: World): Promise<void> {
  let done = made.get(world.a.id);
  if (!done) {
    done = (async () => {
      const open = async (token: string) =>
        expectStatus(
          await call<{ id: string }>(world.baseUrl, '/api/v1/tickets', { method: 'POST', headers: bearer(token), json: { type: 'incident', title: `Route matrix ${WORD}`, impact: 'low', urgency: 'low' } }),
          201,
          'opening a ticket to search for',
        ).body.id;
      const [own, foreign] = await Promise.all([open(world.a.sessions.admin.accessToken), open(world.b.sessions.admin.accessToken)]);
      world.a.ids.add(own);
      world.b.ids.add(foreign);
    })();
    made.set(world.a.id, done);
  }
  return done;
}

/** Everyone signed in searches (requesters within their own scope); the other tenant finds only its own. */
export function searchRoutes(): Record<string, RouteCase> {
  return {
    'GET /api/v1/search': {
      expect: signedIn(200, 200, 200, 200, 200),
      list: true,
      prepare: async (world) => {
        await sharedSearchTargets(world);
        return { query: `q=${WORD}` };
      },
    },
  };
}
