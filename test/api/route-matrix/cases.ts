import type { Role } from '../../../src/domain/permissions.js';
import { ROLES } from '../../../src/domain/permissions.js';
import type { JsonResponse } from '../../support/api.js';
import { call } from '../../support/api.js';
import type { Session, TenantFixture } from '../../support/identity-fixtures.js';
import { bearer } from '../../support/identity-fixtures.js';

/** The shapes every fragment of the route matrix shares; each area's routes live in a file of their own. */
export type Caller = Role | 'otherTenant' | 'anonymous';
export const CALLERS: readonly Caller[] = [...ROLES, 'otherTenant', 'anonymous'];
/**
 * The status each caller must get. The auditor's may be left out: `expectedStatus` then derives it
 * from the others, so a case written before the role existed still says what an auditor gets.
 */
export type Statuses = Readonly<Record<Exclude<Caller, 'auditor'>, number>> & { readonly auditor?: number };

export interface World {
  readonly baseUrl: string;
  /** The tenant whose ids fill every path. */
  readonly a: TenantFixture;
  /** The tenant whose admin is the `otherTenant` caller. */
  readonly b: TenantFixture;
}

export interface Prepared {
  readonly params?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** A multipart/form-data body (an upload), sent instead of a JSON one. */
  readonly form?: FormData;
  /** A body sent as it is with its own media type (a CSV upload), instead of a JSON one. */
  readonly raw?: { readonly body: string; readonly contentType: string };
  /** A query string (without `?`) for routes whose required input is in the query. */
  readonly query?: string;
  /** Runs after the call, to keep later cases independent of this one's side effects. */
  readonly after?: (response: JsonResponse) => Promise<void>;
}

export interface RouteCase {
  readonly expect: Statuses;
  /** Fresh targets and a valid body for this caller, so the status reflects authorization, not validation. */
  readonly prepare?: (world: World, caller: Caller, session: Session | null) => Promise<Prepared>;
  /** A list: for the other tenant's admin it must hold only their own rows. */
  readonly list?: boolean;
  /** The answer repeats the ids the caller sent (per-item results), so seeing them is no leak. */
  readonly echoesRequestIds?: boolean;
  /** The auditor's status where the rule of `expectedStatus` is wrong for this route (their own account, a read sent as POST). */
  readonly auditor?: number;
}

/** The same answer for everyone, signed in or not, whoever's token is sent. */
export const everyone = (status: number): Statuses => ({ admin: status, manager: status, technician: status, user: status, auditor: status, otherTenant: status, anonymous: status });
/** Signed-in callers by role; nobody gets 401. */
export const signedIn = (admin: number, manager: number, technician: number, user: number, otherTenant: number): Statuses => ({ admin, manager, technician, user, otherTenant, anonymous: 401 });

const SAFE_METHODS: readonly string[] = ['GET', 'HEAD'];

/**
 * What `caller` must get from this route. Unless the case says otherwise, an auditor reads what a
 * manager reads, except what only the admin reads, and changes nothing: every other method is refused.
 */
export function expectedStatus(routeCase: RouteCase, method: string, caller: Caller): number {
  if (caller !== 'auditor') return routeCase.expect[caller];
  const given = routeCase.auditor ?? routeCase.expect.auditor;
  if (given !== undefined) return given;
  if (!SAFE_METHODS.includes(method)) return 403;
  const adminOnly = routeCase.expect.admin < 400 && routeCase.expect.manager === 403;
  return adminOnly ? 403 : routeCase.expect.manager;
}

export const json = (response: JsonResponse): Record<string, unknown> => (typeof response.body === 'object' && response.body !== null ? (response.body as Record<string, unknown>) : {});

export async function adminCall(world: World, method: string, path: string, body?: unknown): Promise<JsonResponse> {
  return call(world.baseUrl, path, { method, headers: bearer(world.a.sessions.admin.accessToken), ...(body !== undefined ? { json: body } : {}) });
}

