import { randomBytes } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { totpCodeAt } from '../../src/auth/totp.js';
import type { Role } from '../../src/domain/permissions.js';
import { ROLES } from '../../src/domain/permissions.js';
import type { JsonResponse, RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { Account, GroupCollection, Session } from '../support/identity-fixtures.js';
import { addMember, bearer, createUser, expectStatus, login, removeMember, setUpTenant, strongPassword, uniqueSuffix } from '../support/identity-fixtures.js';
import { calendarBody, createCalendar, createPolicy, policyBody } from '../support/sla-fixtures.js';
import { articleRoutes, sharedArticles } from './route-matrix/articles.js';
import { auditRoutes } from './route-matrix/audit.js';
import type { Caller, Prepared, RouteCase, Statuses, World } from './route-matrix/cases.js';
import { adminCall, CALLERS, everyone, expectedStatus, json, signedIn } from './route-matrix/cases.js';
import { catalogRoutes } from './route-matrix/catalog.js';
import { cmdbRoutes } from './route-matrix/cmdb.js';
import { assetTransferRoutes } from './route-matrix/asset-transfer.js';
import { queueRoutes } from './route-matrix/queues.js';
import { searchRoutes } from './route-matrix/search.js';
import { referenceRoutes } from './route-matrix/reference.js';
import { reportRoutes } from './route-matrix/reports.js';

/**
 * Every route the API serves, called by every kind of caller: every role of tenant A, tenant
 * B's admin holding tenant A's ids, and nobody. The expectations are the permission table
 * (src/domain/permissions.ts) as seen over HTTP; a route without an expectation fails the suite,
 * so a new route cannot ship without deciding who may call it.
 */

/** A fresh user of tenant A, so a case that deactivates or re-roles it disturbs nobody else. */
async function freshUser(world: World, role: Role = 'user'): Promise<Account> {
  const account = await createUser(world.baseUrl, world.a.sessions.admin.accessToken, role, 'target');
  world.a.ids.add(account.id);
  return account;
}

/** A new session of a tenant-A requester who is never a caller, for the refresh and logout routes. */
async function freshRefreshToken(world: World): Promise<string> {
  const { subject, slug } = world.a;
  return (await login(world.baseUrl, slug, subject.email, subject.password)).refreshToken;
}

async function startMfaSetup(world: World, session: Session): Promise<string> {
  const response = expectStatus(await call<{ secret: string }>(world.baseUrl, '/api/v1/auth/mfa/setup', { method: 'POST', headers: bearer(session.accessToken) }), 200, 'starting MFA setup');
  return response.body.secret;
}

async function enableMfa(world: World, session: Session): Promise<string[]> {
  const secret = await startMfaSetup(world, session);
  const response = expectStatus(
    await call<{ recoveryCodes: string[] }>(world.baseUrl, '/api/v1/auth/mfa/enable', { method: 'POST', json: { code: totpCodeAt(secret, new Date()) }, headers: bearer(session.accessToken) }),
    200,
    'enabling MFA',
  );
  return response.body.recoveryCodes;
}

/** Turns the caller's MFA off again when the case turned it on, so later sign-ins need no second factor. */
function disableMfaAfterwards(world: World, session: Session): (response: JsonResponse) => Promise<void> {
  return async (response) => {
    if (response.status !== 200) return;
    const codes = (json(response).recoveryCodes ?? []) as string[];
    expectStatus(await call(world.baseUrl, '/api/v1/auth/mfa/disable', { method: 'POST', json: { code: codes[0] }, headers: bearer(session.accessToken) }), 204, 'disabling MFA again');
  };
}

function groupRoutes(collection: GroupCollection, statuses: { create: Statuses; update: Statuses; members: Statuses }): Record<string, RouteCase> {
  const base = `/api/v1/${collection}`;
  const groupOf = (world: World): string => (collection === 'teams' ? world.a.team : world.a.department);
  return {
    [`POST ${base}`]: { expect: statuses.create, prepare: () => Promise.resolve({ body: { name: `${collection} ${uniqueSuffix()}`, description: 'made by the route matrix' } }) },
    [`GET ${base}`]: { expect: signedIn(200, 200, 200, 403, 200), list: true },
    [`GET ${base}/:id`]: { expect: signedIn(200, 200, 200, 403, 404), prepare: (world) => Promise.resolve({ params: { id: groupOf(world) } }) },
    [`PATCH ${base}/:id`]: { expect: statuses.update, prepare: (world) => Promise.resolve({ params: { id: groupOf(world) }, body: { name: `${collection} renamed ${uniqueSuffix()}` } }) },
    [`POST ${base}/:id/members`]: {
      expect: statuses.members,
      // The subject is taken out first, so an allowed call really adds someone.
      prepare: async (world) => {
        await removeMember(world.baseUrl, world.a.sessions.admin.accessToken, collection, groupOf(world), world.a.subject.id);
        return { params: { id: groupOf(world) }, body: { userId: world.a.subject.id } };
      },
    },
    [`DELETE ${base}/:id/members/:userId`]: {
      expect: statuses.members,
      // The member is put back first, so an allowed call really removes someone.
      prepare: async (world) => {
        await addMember(world.baseUrl, world.a.sessions.admin.accessToken, collection, groupOf(world), world.a.member.id);
        return { params: { id: groupOf(world), userId: world.a.member.id } };
      },
    },
  };
}


/** SLA entries the cases share, made once per world: a calendar and a policy in tenant A, and in tenant B. */
interface SlaTargets {
  readonly calendar: string;
  readonly policy: string;
  /** Tenant B's, for its admin to write policies against. */
  readonly foreignCalendar: string;
}
const slaTargets = new Map<string, Promise<SlaTargets>>();

function sharedSlaTargets(world: World): Promise<SlaTargets> {
  let targets = slaTargets.get(world.a.id);
  if (!targets) {
    targets = (async () => {
      const [calendar, foreignCalendar] = await Promise.all([createCalendar(world.baseUrl, world.a.sessions.admin.accessToken), createCalendar(world.baseUrl, world.b.sessions.admin.accessToken)]);
      const [policy, foreignPolicy] = await Promise.all([
        createPolicy(world.baseUrl, world.a.sessions.admin.accessToken, calendar.id),
        // So the other tenant's admin lists rows of their own, whatever ran before.
        createPolicy(world.baseUrl, world.b.sessions.admin.accessToken, foreignCalendar.id),
      ]);
      world.a.ids.add(calendar.id).add(policy.id);
      world.b.ids.add(foreignCalendar.id).add(foreignPolicy.id);
      return { calendar: calendar.id, policy: policy.id, foreignCalendar: foreignCalendar.id };
    })();
    slaTargets.set(world.a.id, targets);
  }
  return targets;
}

/** Admins keep calendars and policies; agents read them, since the SLAs are what their tickets run under. */
function slaRoutes(): Record<string, RouteCase> {
  const read = signedIn(200, 200, 200, 403, 404);
  const manage = signedIn(200, 403, 403, 403, 404);
  const listed: RouteCase = {
    expect: signedIn(200, 200, 200, 403, 200),
    list: true,
    prepare: async (world) => {
      await sharedSlaTargets(world);
      return {};
    },
  };
  const target = (kind: 'calendar' | 'policy', extra: Omit<Prepared, 'params'> = {}, version?: string) => async (world: World) => ({
    params: { id: (await sharedSlaTargets(world))[kind], ...(version ? { version } : {}) },
    ...extra,
  });
  const calendars = '/api/v1/business-calendars';
  const policies = '/api/v1/sla-policies';
  return {
    [`POST ${calendars}`]: { expect: signedIn(201, 403, 403, 403, 201), prepare: () => Promise.resolve({ body: calendarBody() }) },
    [`GET ${calendars}`]: listed,
    [`GET ${calendars}/:id`]: { expect: read, prepare: target('calendar') },
    [`GET ${calendars}/:id/versions/:version`]: { expect: read, prepare: target('calendar', {}, '1') },
    [`PATCH ${calendars}/:id`]: { expect: manage, prepare: (world) => target('calendar', { body: { name: `Calendar renamed ${uniqueSuffix()}` } })(world) },
    [`POST ${calendars}/:id/retire`]: {
      expect: manage,
      prepare: async (world) => {
        const fresh = await createCalendar(world.baseUrl, world.a.sessions.admin.accessToken);
        world.a.ids.add(fresh.id);
        return { params: { id: fresh.id } };
      },
    },
    // Each tenant's admin writes against a calendar of their own tenant.
    [`POST ${policies}`]: {
      expect: signedIn(201, 403, 403, 403, 201),
      prepare: async (world, caller) => {
        const targets = await sharedSlaTargets(world);
        return { body: policyBody(caller === 'otherTenant' ? targets.foreignCalendar : targets.calendar) };
      },
    },
    [`GET ${policies}`]: listed,
    [`GET ${policies}/:id`]: { expect: read, prepare: target('policy') },
    [`GET ${policies}/:id/versions/:version`]: { expect: read, prepare: target('policy', {}, '1') },
    [`PATCH ${policies}/:id`]: { expect: manage, prepare: (world) => target('policy', { body: { name: `Policy renamed ${uniqueSuffix()}` } })(world) },
    [`POST ${policies}/:id/retire`]: {
      expect: manage,
      prepare: async (world) => {
        const fresh = await createPolicy(world.baseUrl, world.a.sessions.admin.accessToken, (await sharedSlaTargets(world)).calendar);
        world.a.ids.add(fresh.id);
        return { params: { id: fresh.id } };
      },
    },
  };
}

/** Email templates and the mail outbox: the tenant's admin only; another tenant's admin works on their own. */
function notificationRoutes(): Record<string, RouteCase> {
  const admins = signedIn(200, 403, 403, 403, 200);
  const templates = '/api/v1/email-templates';
  const kind = () => Promise.resolve({ params: { kind: 'ticket_assigned' } });
  const draft = { subject: '[{{ticket.number}}] yours now', html: '<p>{{ticket.title}}</p>', text: '{{ticket.title}}' };
  return {
    [`GET ${templates}`]: { expect: admins },
    [`GET ${templates}/:kind`]: { expect: admins, prepare: kind },
    [`PUT ${templates}/:kind`]: { expect: admins, prepare: () => Promise.resolve({ params: { kind: 'ticket_assigned' }, body: draft }) },
    [`POST ${templates}/:kind/preview`]: { expect: admins, prepare: () => Promise.resolve({ params: { kind: 'ticket_assigned' }, body: draft }) },
    'GET /api/v1/notifications/outbox': { expect: admins },
  };
}

type TicketStage = 'new' | 'in_progress' | 'pending' | 'resolved' | 'deleted';

/** A ticket of tenant A raised for its subject (a requester who never calls), brought to `stage` by the admin. */
async function freshTicket(world: World, stage: TicketStage = 'new', type = 'incident'): Promise<string> {
  const created = expectStatus(
    await adminCall(world, 'POST', '/api/v1/tickets', { type, title: `Matrix ticket ${uniqueSuffix()}`, impact: 'low', urgency: 'medium', requesterId: world.a.subject.id }),
    201,
    'raising a ticket',
  );
  const id = String(json(created).id);
  world.a.ids.add(id);
  const steps: Record<TicketStage, Array<[string, unknown]>> = {
    new: [],
    in_progress: [['start', undefined]],
    pending: [['start', undefined], ['pend', { reason: 'waiting for parts' }]],
    resolved: [['start', undefined], ['resolve', { code: 'fixed', notes: 'done' }]],
    deleted: [],
  };
  for (const [action, body] of steps[stage]) expectStatus(await adminCall(world, 'POST', `/api/v1/tickets/${id}/${action}`, body), 200, `${action} on the ticket`);
  if (stage === 'deleted') expectStatus(await adminCall(world, 'DELETE', `/api/v1/tickets/${id}`), 204, 'deleting the ticket');
  return id;
}

function attachmentForm(): FormData {
  const form = new FormData();
  form.append('file', new Blob([`matrix evidence ${uniqueSuffix()}`]), 'evidence.txt');
  return form;
}

/** A file the admin attached to a fresh ticket of tenant A's subject. */
async function freshAttachment(world: World): Promise<string> {
  const ticketId = await freshTicket(world);
  const uploaded = expectStatus(await call(world.baseUrl, `/api/v1/tickets/${ticketId}/attachments`, { method: 'POST', headers: bearer(world.a.sessions.admin.accessToken), body: attachmentForm() }), 201, 'attaching a file');
  const id = String(json(uploaded).id);
  world.a.ids.add(id);
  return id;
}

const policies = new Map<string, Promise<string>>();

/** One SLA policy in force in tenant A, for what-if questions. */
function sharedPolicy(world: World): Promise<string> {
  let policy = policies.get(world.a.id);
  if (!policy) {
    policy = (async () => {
      const token = world.a.sessions.admin.accessToken;
      const calendar = await createCalendar(world.baseUrl, token);
      const created = await createPolicy(world.baseUrl, token, calendar.id);
      world.a.ids.add(calendar.id).add(created.id);
      return created.id;
    })();
    policies.set(world.a.id, policy);
  }
  return policy;
}

/** Tenant B needs a ticket of its own, so its admin's list is not empty. */
async function foreignTicket(world: World): Promise<void> {
  const created = await call(world.baseUrl, '/api/v1/tickets', { method: 'POST', headers: bearer(world.b.sessions.admin.accessToken), json: { type: 'incident', title: 'B ticket', impact: 'low', urgency: 'low' } });
  world.b.ids.add(String(json(created).id));
}

/**
 * Agents work every ticket; a requester sees only their own (the target is someone else's, so it
 * does not exist for them). Assignment, priority override, deletion and undoing a merge are the
 * managers' (a technician hands over only a ticket they work on, which these fresh tickets are not).
 */
function ticketRoutes(): Record<string, RouteCase> {
  const base = '/api/v1/tickets';
  const work = signedIn(200, 200, 200, 404, 404);
  const workOnly = signedIn(200, 200, 200, 403, 404);
  const managers = signedIn(200, 200, 403, 403, 404);
  const at = (stage: TicketStage, body?: unknown, type?: string) => async (world: World) => ({ params: { id: await freshTicket(world, stage, type) }, ...(body !== undefined ? { body } : {}) });
  return {
    [`POST ${base}`]: { expect: signedIn(201, 201, 201, 201, 201), prepare: () => Promise.resolve({ body: { type: 'incident', title: `Raised ${uniqueSuffix()}`, impact: 'low', urgency: 'low' } }) },
    // Per-item results: another tenant's ids come back as 404 lines inside a 200.
    [`POST ${base}/bulk`]: { expect: signedIn(200, 200, 403, 403, 200), echoesRequestIds: true, prepare: async (world) => ({ body: { ids: [await freshTicket(world)], action: 'start' } }) },
    [`GET ${base}`]: {
      expect: signedIn(200, 200, 200, 200, 200),
      list: true,
      prepare: async (world) => {
        await foreignTicket(world);
        return {};
      },
    },
    [`GET ${base}/:id`]: { expect: work, prepare: at('new') },
    [`GET ${base}/:id/history`]: { expect: work, prepare: at('resolved') },
    [`PATCH ${base}/:id`]: { expect: work, prepare: at('new', { title: `Reworded ${uniqueSuffix()}` }) },
    [`POST ${base}/:id/priority`]: { expect: managers, prepare: at('new', { priority: 'P1', reason: 'VIP' }) },
    [`POST ${base}/:id/assign`]: { expect: managers, prepare: async (world) => ({ params: { id: await freshTicket(world) }, body: { assigneeId: world.a.sessions.manager.id } }) },
    [`POST ${base}/:id/start`]: { expect: work, prepare: at('new') },
    [`POST ${base}/:id/pend`]: { expect: work, prepare: at('in_progress', { reason: 'waiting' }) },
    [`POST ${base}/:id/resume`]: { expect: work, prepare: at('pending') },
    [`POST ${base}/:id/resolve`]: { expect: work, prepare: at('in_progress', { code: 'fixed', notes: 'done' }) },
    [`POST ${base}/:id/close`]: { expect: work, prepare: at('resolved') },
    [`POST ${base}/:id/reopen`]: { expect: work, prepare: at('resolved', { reason: 'again' }) },
    [`POST ${base}/:id/cancel`]: { expect: work, prepare: at('new', { reason: 'raised twice' }) },
    [`GET ${base}/:id/comments`]: { expect: work, prepare: at('new') },
    [`POST ${base}/:id/comments`]: { expect: signedIn(201, 201, 201, 404, 404), prepare: at('new', { body: 'looking into it' }) },
    [`PATCH ${base}/:id/comments/:commentId`]: {
      expect: work,
      // Only the author edits: an agent caller edits a comment of their own (an auditor has none to edit).
      prepare: async (world, caller, session) => {
        const id = await freshTicket(world);
        const author = session && caller !== 'user' && caller !== 'auditor' && caller !== 'otherTenant' ? session.accessToken : world.a.sessions.admin.accessToken;
        const comment = expectStatus(await call(world.baseUrl, `${base}/${id}/comments`, { method: 'POST', headers: bearer(author), json: { body: 'first words' } }), 201, 'commenting');
        return { params: { id, commentId: String(json(comment).id) }, body: { body: 'better words' } };
      },
    },
    [`POST ${base}/:id/links`]: { expect: signedIn(201, 201, 201, 403, 404), prepare: async (world) => ({ params: { id: await freshTicket(world) }, body: { targetId: await freshTicket(world), kind: 'relates_to' } }) },
    [`POST ${base}/:id/articles`]: { expect: signedIn(201, 201, 201, 403, 404), prepare: async (world) => ({ params: { id: await freshTicket(world) }, body: { articleId: (await sharedArticles(world)).published } }) },
    [`GET ${base}/:id/articles`]: { expect: work, prepare: at('new') },
    [`DELETE ${base}/:id/links/:linkId`]: {
      expect: workOnly,
      prepare: async (world) => {
        const id = await freshTicket(world);
        const linked = expectStatus(await adminCall(world, 'POST', `${base}/${id}/links`, { targetId: await freshTicket(world), kind: 'relates_to' }), 201, 'linking');
        const links = json(linked).links as Array<{ id: string }>;
        return { params: { id, linkId: links[0]!.id } };
      },
    },
    [`POST ${base}/:id/watchers`]: { expect: workOnly, prepare: async (world) => ({ params: { id: await freshTicket(world) }, body: { userId: world.a.member.id } }) },
    [`DELETE ${base}/:id/watchers/:userId`]: {
      expect: workOnly,
      prepare: async (world) => {
        const id = await freshTicket(world);
        expectStatus(await adminCall(world, 'POST', `${base}/${id}/watchers`, { userId: world.a.member.id }), 200, 'adding a watcher');
        return { params: { id, userId: world.a.member.id } };
      },
    },
    [`POST ${base}/:id/approvals`]: { expect: workOnly, prepare: async (world) => ({ params: { id: await freshTicket(world, 'new', 'change') }, body: { approverIds: [world.a.sessions.manager.id] } }) },
    ...Object.fromEntries(
      (['approve', 'reject'] as const).map((decision) => [
        `POST ${base}/:id/${decision}`,
        {
          // The caller is the named approver when they may be one; a technician never is.
          expect: signedIn(200, 200, 403, 404, 404),
          prepare: async (world: World, caller: Caller, session: Session | null) => {
            const id = await freshTicket(world, 'new', 'change');
            const approver = session && (caller === 'admin' || caller === 'manager') ? session.id : world.a.sessions.manager.id;
            expectStatus(await adminCall(world, 'POST', `${base}/${id}/approvals`, { approverIds: [approver] }), 200, 'requesting approval');
            return { params: { id }, body: { comment: 'considered' } };
          },
        } satisfies RouteCase,
      ]),
    ),
    [`GET ${base}/:id/sla`]: { expect: work, prepare: at('new') },
    [`POST ${base}/:id/sla/what-if`]: {
      expect: signedIn(200, 200, 200, 403, 404),
      // A read sent as POST: nothing changes.
      auditor: 200,
      prepare: async (world) => ({ params: { id: await freshTicket(world) }, body: { policyId: await sharedPolicy(world) } }),
    },
    [`POST ${base}/:id/merge`]: { expect: workOnly, prepare: async (world) => ({ params: { id: await freshTicket(world) }, body: { masterId: await freshTicket(world) } }) },
    // Undoing a merge is a manager's correction; the duplicate was merged by the admin first.
    [`POST ${base}/:id/unmerge`]: {
      expect: managers,
      prepare: async (world) => {
        const id = await freshTicket(world);
        expectStatus(await adminCall(world, 'POST', `${base}/${id}/merge`, { masterId: await freshTicket(world) }), 200, 'merging');
        return { params: { id }, body: { reason: 'merged by mistake' } };
      },
    },
    [`POST ${base}/:id/split`]: {
      expect: signedIn(201, 201, 201, 403, 404),
      prepare: async (world) => {
        const id = await freshTicket(world);
        const comment = expectStatus(await adminCall(world, 'POST', `${base}/${id}/comments`, { body: 'second issue' }), 201, 'commenting');
        return { params: { id }, body: { commentIds: [String(json(comment).id)] } };
      },
    },
    [`DELETE ${base}/:id`]: { expect: signedIn(204, 204, 403, 403, 404), prepare: at('new') },
    [`POST ${base}/:id/restore`]: { expect: managers, prepare: at('deleted') },
    // Whoever sees the ticket sees and adds its files; a requester sees only their own tickets.
    [`POST ${base}/:id/attachments`]: { expect: signedIn(201, 201, 201, 404, 404), prepare: async (world) => ({ params: { id: await freshTicket(world) }, form: attachmentForm() }) },
    [`GET ${base}/:id/attachments`]: { expect: work, prepare: at('new') },
    'GET /api/v1/attachments/:id': { expect: work, prepare: async (world) => ({ params: { id: await freshAttachment(world) } }) },
    'GET /api/v1/attachments/:id/content': { expect: work, prepare: async (world) => ({ params: { id: await freshAttachment(world) } }) },
  };
}

/**
 * `"METHOD /path/template"` → the status each caller must get. A key may carry a variant after
 * ` #` (another body on the same route); every route needs its plain key.
 */
const EXPECTATIONS: Readonly<Record<string, RouteCase>> = {
  'GET /healthz': { expect: everyone(200) },
  'GET /readyz': { expect: everyone(200) },
  // Open to whoever can reach it unless METRICS_TOKEN is set (then that bearer token, not a user's).
  'GET /metrics': { expect: everyone(200) },

  // Routes that take no bearer token: any token sent is ignored.
  'POST /api/v1/signup': {
    expect: everyone(201),
    prepare: () => {
      const suffix = uniqueSuffix();
      return Promise.resolve({ body: { organization: `Matrix Org ${suffix}`, email: `founder-${suffix}@matrix.example`, password: strongPassword(), name: `Founder ${suffix}` } });
    },
  },
  'POST /api/v1/auth/login': {
    // A wrong password is refused the same way whoever asks.
    expect: everyone(401),
    prepare: (world) => Promise.resolve({ body: { tenant: world.a.slug, email: world.a.subject.email, password: strongPassword() } }),
  },
  'POST /api/v1/auth/mfa/verify': {
    expect: everyone(401),
    prepare: () => Promise.resolve({ body: { mfaToken: randomBytes(32).toString('base64url'), code: '123456' } }),
  },
  'POST /api/v1/auth/refresh': { expect: everyone(200), prepare: async (world) => ({ body: { refreshToken: await freshRefreshToken(world) } }) },
  'POST /api/v1/auth/logout': { expect: everyone(204), prepare: async (world) => ({ body: { refreshToken: await freshRefreshToken(world) } }) },

  // The caller's own account: every signed-in caller, whatever the role, auditors too.
  'POST /api/v1/auth/mfa/setup': { expect: signedIn(200, 200, 200, 200, 200), auditor: 200, prepare: () => Promise.resolve({ body: {} }) },
  'POST /api/v1/auth/mfa/enable': {
    expect: signedIn(200, 200, 200, 200, 200),
    auditor: 200,
    prepare: async (world, _caller, session) => {
      if (!session) return { body: { code: '123456' } };
      const secret = await startMfaSetup(world, session);
      return { body: { code: totpCodeAt(secret, new Date()) }, after: disableMfaAfterwards(world, session) };
    },
  },
  'POST /api/v1/auth/mfa/disable': {
    expect: signedIn(204, 204, 204, 204, 204),
    auditor: 204,
    // A recovery code: the TOTP step that enabled MFA may not be used twice.
    prepare: async (world, _caller, session) => ({ body: { code: session ? (await enableMfa(world, session))[0] : 'aaaa-bbbb' } }),
  },
  'POST /api/v1/auth/password': {
    expect: signedIn(204, 204, 204, 204, 204),
    auditor: 204,
    prepare: (_world, _caller, session) => {
      const newPassword = strongPassword();
      return Promise.resolve({
        body: { currentPassword: session?.password ?? strongPassword(), newPassword },
        after: (response) => {
          if (session && response.status === 204) session.password = newPassword;
          return Promise.resolve();
        },
      });
    },
  },
  'GET /api/v1/me': { expect: signedIn(200, 200, 200, 200, 200) },

  // Users. The target is tenant A's subject, a requester who is never the caller, or a fresh user.
  'POST /api/v1/users': {
    expect: signedIn(201, 403, 403, 403, 201),
    prepare: () => {
      const suffix = uniqueSuffix();
      return Promise.resolve({ body: { email: `hire-${suffix}@staff.example`, name: `Hire ${suffix}`, role: 'technician', password: strongPassword() } });
    },
  },
  'GET /api/v1/users': { expect: signedIn(200, 200, 200, 403, 200), list: true },
  // A requester asking for someone else learns nothing, not even that they exist.
  'GET /api/v1/users/:id': { expect: signedIn(200, 200, 200, 404, 404), prepare: (world) => Promise.resolve({ params: { id: world.a.subject.id } }) },
  'PATCH /api/v1/users/:id': {
    expect: signedIn(200, 403, 403, 403, 404),
    prepare: (world) => Promise.resolve({ params: { id: world.a.subject.id }, body: { name: `Subject ${uniqueSuffix()}` } }),
  },
  'PATCH /api/v1/users/:id #email': {
    expect: signedIn(200, 403, 403, 403, 404),
    prepare: async (world) => ({ params: { id: (await freshUser(world)).id }, body: { email: `moved-${uniqueSuffix()}@staff.example` } }),
  },
  'PATCH /api/v1/users/:id #role': {
    expect: signedIn(200, 403, 403, 403, 404),
    prepare: async (world) => ({ params: { id: (await freshUser(world)).id }, body: { role: 'technician' } }),
  },
  'POST /api/v1/users/:id/deactivate': {
    expect: signedIn(200, 403, 403, 403, 404),
    prepare: async (world) => ({ params: { id: (await freshUser(world)).id } }),
  },
  'POST /api/v1/users/:id/reactivate': {
    expect: signedIn(200, 403, 403, 403, 404),
    prepare: async (world) => {
      const target = await freshUser(world);
      expectStatus(await adminCall(world, 'POST', `/api/v1/users/${target.id}/deactivate`), 200, 'deactivating the target first');
      return { params: { id: target.id } };
    },
  },
  // Crypto-shredding: destroys the target's data key, so always a fresh target.
  'POST /api/v1/users/:id/forget': {
    expect: signedIn(200, 403, 403, 403, 404),
    prepare: async (world) => ({ params: { id: (await freshUser(world)).id } }),
  },

  // Managers run teams; departments are the admin's, though managers staff them.
  ...groupRoutes('teams', { create: signedIn(201, 201, 403, 403, 201), update: signedIn(200, 200, 403, 403, 404), members: signedIn(200, 200, 403, 403, 404) }),
  ...groupRoutes('departments', { create: signedIn(201, 403, 403, 403, 201), update: signedIn(200, 403, 403, 403, 404), members: signedIn(200, 200, 403, 403, 404) }),

  // The service catalog tickets point at.
  ...catalogRoutes('categories'),
  ...catalogRoutes('services'),

  // The CMDB: asset categories and assets.
  ...cmdbRoutes(),
  ...assetTransferRoutes(),

  // Queues: how new tickets are routed.
  ...queueRoutes(),

  // The knowledge base.
  ...articleRoutes(),

  // Business calendars and SLA policies.
  ...slaRoutes(),

  ...ticketRoutes(),

  // Mail: templates and the outbox.
  ...notificationRoutes(),

  // Audit: chain verification and the tenant's event log.
  ...auditRoutes(),

  // Search across tickets, articles and assets.
  ...searchRoutes(),

  // The OpenAPI document and the reference page.
  ...referenceRoutes(),

  // Reports from the analysts' reporting schema.
  ...reportRoutes(),
};

const routeOf = (key: string): string => key.split(' #')[0]!;

function fillPath(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for :${name} in ${template}`);
    return value;
  });
}

function sessionOf(world: World, caller: Caller): Session | null {
  if (caller === 'anonymous') return null;
  if (caller === 'otherTenant') return world.b.sessions.admin;
  return world.a.sessions[caller];
}

/** What must hold of any answer, whatever its status; returns what does not. */
function answerProblems(world: World, caller: Caller, routeCase: RouteCase, response: JsonResponse): string[] {
  const problems: string[] = [];
  const contentType = response.headers.get('content-type') ?? '';
  if (response.status >= 500) problems.push(`a ${response.status}`);
  if (response.status >= 400) {
    if (!contentType.startsWith('application/problem+json')) problems.push(`error with content-type "${contentType}"`);
    if (json(response).status !== response.status) problems.push(`problem status ${String(json(response).status)} ≠ ${response.status}`);
  }
  if (response.status === 401 && response.headers.get('www-authenticate') !== 'Bearer') problems.push(`401 without WWW-Authenticate: Bearer (got ${String(response.headers.get('www-authenticate'))})`);
  // Nobody sees the other tenant's ids; the anonymous see neither tenant's.
  const text = JSON.stringify(response.body ?? null);
  const hidden = caller === 'otherTenant' ? [world.a.ids] : caller === 'anonymous' ? [world.a.ids, world.b.ids] : [world.b.ids];
  const leaked = routeCase.echoesRequestIds ? [] : hidden.flatMap((ids) => [...ids].filter((id) => text.includes(id)));
  if (leaked.length > 0) problems.push(`leaks another tenant's ids ${leaked.join(', ')}`);
  if (routeCase.list && caller === 'otherTenant' && response.status === 200) {
    const rows = json(response).data;
    const ids = Array.isArray(rows) ? rows.map((row) => (row as { id?: unknown }).id) : [];
    if (ids.length === 0) problems.push('an empty list where the tenant has rows');
    const foreign = ids.filter((id) => typeof id !== 'string' || !world.b.ids.has(id));
    if (foreign.length > 0) problems.push(`rows not of the caller's tenant: ${foreign.map(String).join(', ')}`);
  }
  return problems;
}

const test = suite<{ api?: RunningApi; world?: World }>('route x role matrix', {});

test.before(async (context) => {
  context.api = await startApi({
    environment: { LOGIN_LIMIT_PER_ADDRESS: '10000', LOGIN_LIMIT_PER_ACCOUNT: '10000', RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '10000' },
  });
  const baseUrl = context.api.baseUrl;
  const [a, b] = await Promise.all([setUpTenant(baseUrl, 'Tenant A'), setUpTenant(baseUrl, 'Tenant B')]);
  context.world = { baseUrl, a, b };
});
test.after(async (context) => {
  await context.api?.close();
});

test('every route the API serves has an expectation, and every expectation a route', ({ api }) => {
  const served = api!.system.routeTable().map((route) => `${route.method} ${route.path}`);
  const expected = new Set(Object.keys(EXPECTATIONS).map(routeOf));
  // missing: add them to EXPECTATIONS; stale: the API no longer serves them.
  const missing = served.filter((route) => !expected.has(route));
  const stale = [...expected].filter((route) => !served.includes(route));
  assert.equal({ missing, stale }, { missing: [], stale: [] });
});

test('every route answers every role as the permission table says', async ({ api, world }) => {
  const mismatches: string[] = [];
  const served = api!.system.routeTable().map((route) => `${route.method} ${route.path}`);
  for (const route of served) {
    for (const key of Object.keys(EXPECTATIONS).filter((candidate) => routeOf(candidate) === route)) {
      const routeCase = EXPECTATIONS[key]!;
      const [method, template] = route.split(' ') as [string, string];
      for (const caller of CALLERS) {
        const session = sessionOf(world!, caller);
        const prepared = (await routeCase.prepare?.(world!, caller, session)) ?? {};
        const response = await call(world!.baseUrl, fillPath(template, prepared.params ?? {}) + (prepared.query ? `?${prepared.query}` : ''), {
          method,
          headers: { ...(session ? bearer(session.accessToken) : {}), ...(prepared.raw ? { 'Content-Type': prepared.raw.contentType } : {}) },
          ...(prepared.body !== undefined ? { json: prepared.body } : {}),
          ...(prepared.form ? { body: prepared.form } : {}),
          ...(prepared.raw ? { body: prepared.raw.body } : {}),
        });
        const created = json(response).id;
        if (response.status === 201 && typeof created === 'string') (caller === 'otherTenant' ? world!.b : world!.a).ids.add(created);
        const problems = answerProblems(world!, caller, routeCase, response);
        const expected = expectedStatus(routeCase, method, caller);
        if (response.status !== expected) problems.unshift(`expected ${expected}, got ${response.status}`);
        if (problems.length > 0) mismatches.push(`${key} as ${caller}: ${problems.join('; ')} — ${JSON.stringify(response.body ?? null).slice(0, 200)}`);
        await prepared.after?.(response);
      }
    }
  }
  assert.ok(mismatches.length === 0, `${mismatches.length} answers differ from the permission table:\n  ${mismatches.join('\n  ')}`);
});

test('a requester may rename themselves and nothing more: no role, no email, no unknown fields', async ({ world }) => {
  const { baseUrl, a, b } = world!;
  const requester = a.sessions.user;
  const patch = (body: unknown) => call(baseUrl, `/api/v1/users/${requester.id}`, { method: 'PATCH', json: body, headers: bearer(requester.accessToken) });

  const promote = await patch({ role: 'admin' });
  assert.is(promote.status, 403, JSON.stringify(promote.body));
  for (const body of [{ tenantId: b.id }, { name: 'Renamed', tenantId: b.id }, { isAdmin: true }, { status: 'active' }, { id: a.subject.id }, { passwordHash: 'x' }, { role: 'user', permissions: ['user.create'] }]) {
    const refused = await patch(body);
    assert.is(refused.status, 400, `${JSON.stringify(body)} → ${refused.status} ${JSON.stringify(refused.body)}`);
    assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/);
  }
  const email = await patch({ email: `elsewhere-${uniqueSuffix()}@staff.example` });
  assert.is(email.status, 403, JSON.stringify(email.body));

  const renamed = await patch({ name: `Requester ${uniqueSuffix()}` });
  assert.is(renamed.status, 200, JSON.stringify(renamed.body));
  assert.is(json(renamed).role, 'user');

  const me = await call<{ id: string; role: string; tenantId: string; email: string }>(baseUrl, '/api/v1/me', { headers: bearer(requester.accessToken) });
  assert.is(me.status, 200);
  assert.equal({ id: me.body.id, role: me.body.role, tenantId: me.body.tenantId, email: me.body.email }, { id: requester.id, role: 'user', tenantId: a.id, email: requester.email });
  const own = await call(baseUrl, `/api/v1/users/${requester.id}`, { headers: bearer(requester.accessToken) });
  assert.is(own.status, 200);
  assert.is(json(own).role, 'user');
});

test('everyone may rename themselves, but nobody changes their own role', async ({ world }) => {
  const { baseUrl, a } = world!;
  for (const role of ROLES) {
    const session = a.sessions[role];
    const patch = (body: unknown) => call(baseUrl, `/api/v1/users/${session.id}`, { method: 'PATCH', json: body, headers: bearer(session.accessToken) });
    const renamed = await patch({ name: `${role} ${uniqueSuffix()}` });
    assert.is(renamed.status, 200, `${role} renaming themselves: ${JSON.stringify(renamed.body)}`);
    const other = role === 'admin' ? 'manager' : 'admin';
    const rerole = await patch({ role: other });
    assert.is(rerole.status, 403, `${role} making themselves ${other}: ${JSON.stringify(rerole.body)}`);
    const me = await call(baseUrl, '/api/v1/me', { headers: bearer(session.accessToken) });
    assert.is(json(me).role, role);
  }
});

test("a tenant's teams and departments cannot take another tenant's people", async ({ world }) => {
  const { baseUrl, a, b } = world!;
  const admin = bearer(b.sessions.admin.accessToken);
  for (const [collection, group] of [['teams', b.team], ['departments', b.department]] as const) {
    const added = await call(baseUrl, `/api/v1/${collection}/${group}/members`, { method: 'POST', json: { userId: a.subject.id }, headers: admin });
    assert.is(added.status, 400, `${collection}: ${JSON.stringify(added.body)}`);
    const read = await call(baseUrl, `/api/v1/${collection}/${group}`, { headers: admin });
    assert.is(read.status, 200);
    assert.not.ok(JSON.stringify(read.body).includes(a.subject.id), `${collection} took tenant A's user`);
  }
});

test("a demoted admin's access token stops carrying the old role's rights at once", async ({ world }) => {
  const { baseUrl, a } = world!;
  const demoted = await freshUser(world!, 'admin');
  const tokens = await login(baseUrl, a.slug, demoted.email, demoted.password);
  assert.is((await call(baseUrl, '/api/v1/users', { headers: bearer(tokens.accessToken) })).status, 200);

  expectStatus(await adminCall(world!, 'PATCH', `/api/v1/users/${demoted.id}`, { role: 'user' }), 200, 'demoting the admin');

  // Either the token dies (401) or its role is no longer believed (403); never the old rights.
  const list = await call(baseUrl, '/api/v1/users', { headers: bearer(tokens.accessToken) });
  assert.ok([401, 403].includes(list.status), `GET /api/v1/users with the demoted admin's old token answered ${list.status}`);
  const suffix = uniqueSuffix();
  const backdoor = await call(baseUrl, '/api/v1/users', {
    method: 'POST',
    json: { email: `backdoor-${suffix}@staff.example`, name: `Backdoor ${suffix}`, role: 'admin', password: strongPassword() },
    headers: bearer(tokens.accessToken),
  });
  assert.ok([401, 403].includes(backdoor.status), `POST /api/v1/users {role:'admin'} with the demoted admin's old token answered ${backdoor.status} ${JSON.stringify(backdoor.body)}`);

  // A refreshed token carries the new role, or the session is gone (the first holds today).
  const refreshed = await call<{ accessToken?: string }>(baseUrl, '/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: tokens.refreshToken } });
  assert.ok([200, 401].includes(refreshed.status), `refresh answered ${refreshed.status}`);
  if (refreshed.status === 200) {
    const again = await call(baseUrl, '/api/v1/users', { headers: bearer(refreshed.body.accessToken ?? '') });
    assert.ok([401, 403].includes(again.status), `GET /api/v1/users with the refreshed token answered ${again.status}`);
  }
});

test.run();
