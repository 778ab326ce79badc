import type { RunningApi } from './api.js';
import { call } from './api.js';
import type { TenantFixture } from './identity-fixtures.js';
import { bearer, expectStatus, login, setUpTenant } from './identity-fixtures.js';

/** A desk for tests that move time: the tenant, and tokens fresh at the test's clock. */
export interface SlaDesk {
  readonly tenant: TenantFixture;
  /** A fresh access token for the role at the test's current time (tokens live 15 minutes of it). */
  readonly token: (role: 'admin' | 'manager' | 'technician' | 'user') => Promise<string>;
}

export type Target = { readonly firstResponseMinutes: number; readonly resolutionMinutes: number };

/**
 * A tenant whose own policy runs in UTC office hours (Mon–Fri 08:00–17:00); a P1 (high impact,
 * high urgency) must be answered in 60 minutes and resolved in 480, with warnings at 80%; so must
 * every other priority, unless the test gives P2 targets of its own. Defined after signup, it is
 * the tenant-wide policy in force (the later of equally specific policies wins).
 */
export async function setUpSlaDesk(api: RunningApi, label: string, options: { escalation?: (tenant: TenantFixture) => Record<string, unknown>; p2?: Target } = {}): Promise<SlaDesk> {
  const tenant = await setUpTenant(api.baseUrl, label);
  const admin = tenant.sessions.admin.accessToken;
  const office = [{ start: '08:00', end: '17:00' }];
  const calendar = expectStatus(
    await call<{ id: string }>(api.baseUrl, '/api/v1/business-calendars', { method: 'POST', headers: bearer(admin), json: { name: 'UTC office', calendar: { timeZone: 'UTC', week: { mon: office, tue: office, wed: office, thu: office, fri: office }, holidays: [] } } }),
    201,
    'calendar',
  );
  const target = { firstResponseMinutes: 60, resolutionMinutes: 480 };
  const targets = { P1: target, P2: options.p2 ?? target, P3: target, P4: target, P5: target };
  const escalation = options.escalation?.(tenant) ?? {};
  expectStatus(await call(api.baseUrl, '/api/v1/sla-policies', { method: 'POST', headers: bearer(admin), json: { name: 'Standard', calendarId: calendar.body.id, targets, escalation } }), 201, 'policy');
  return {
    tenant,
    token: async (role) => {
      const session = tenant.sessions[role];
      return (await login(api.baseUrl, tenant.slug, session.email, session.password)).accessToken;
    },
  };
}

export async function openP1(api: RunningApi, token: string, title = 'Payroll system down'): Promise<string> {
  return expectStatus(await call<{ id: string }>(api.baseUrl, '/api/v1/tickets', { method: 'POST', headers: bearer(token), json: { type: 'incident', title, impact: 'high', urgency: 'high' } }), 201, 'open ticket').body.id;
}
