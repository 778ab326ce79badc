import { DEMO_LOGINS, DEMO_TENANT } from './demo-people.js';
import type { Actor } from '../commands/identity/actor.js';
import { openTicket } from '../commands/tickets/open.js';
import { assignTicket, commentOnTicket, linkTicket, moveTicket, requestApproval } from '../commands/tickets/work.js';
import type { System } from '../system.js';
import { defineCalendar } from '../commands/sla/calendars.js';
import { definePolicy } from '../commands/sla/policies.js';

/** A desk with some history to look at: tickets in several states, a problem, a change waiting for approval. */
export async function seedDemoTickets(system: System): Promise<void> {
  const actorFor = (role: string): Actor => {
    const login = DEMO_LOGINS.find((candidate) => candidate.role === role)!;
    return { userId: login.id, tenantId: DEMO_TENANT.id, role: login.role, sessionId: 'seed' };
  };
  const [requester, technician, manager, admin] = [actorFor('user'), actorFor('technician'), actorFor('manager'), actorFor('admin')];
  const context = (actor: Actor) => ({ tenantId: DEMO_TENANT.id, actorId: actor.userId, correlationId: 'seed-demo-tickets', now: system.clock() });
  const deps = system.tickets;
  // Facts such as "is the assignee an active agent" come from read models: let them catch up first.
  await system.projections.catchUp();

  // Office hours and a standard policy, so the demo tickets have SLA clocks to look at.
  const office = [{ start: '08:00', end: '18:00' }];
  const calendar = await defineCalendar(system.identity, admin, { name: 'Office hours', calendar: { timeZone: 'Europe/Berlin', week: { mon: office, tue: office, wed: office, thu: office, fri: office, sat: [], sun: [] }, holidays: ['2026-12-24', '2026-12-25', '2026-12-26'] } }, context(admin));
  const target = (firstResponseMinutes: number, resolutionMinutes: number) => ({ firstResponseMinutes, resolutionMinutes });
  await definePolicy(system.identity, admin, { name: 'Standard', calendarId: calendar.id, targets: { P1: target(15, 240), P2: target(30, 480), P3: target(120, 1440), P4: target(480, 2880), P5: target(960, 4800) } }, context(admin));
  await system.projections.catchUp();

  const wifi = await openTicket(deps, requester, { type: 'incident', title: "Laptop won't connect to Wi-Fi", description: 'Since this morning, floor 2, meeting room B.', impact: 'medium', urgency: 'high', tags: ['wifi', 'laptop'] }, context(requester));
  await system.projections.catchUp();
  await assignTicket(deps, manager, wifi.ticketId, { assigneeId: technician.userId }, context(manager));
  await moveTicket(deps, technician, wifi.ticketId, { action: 'start' }, context(technician));
  await commentOnTicket(deps, technician, wifi.ticketId, { body: 'Looking into it: can you try the guest network meanwhile?', internal: false }, context(technician));
  await commentOnTicket(deps, technician, wifi.ticketId, { body: 'Access point AP-2B reboots every few minutes.', internal: true }, context(technician));

  await openTicket(deps, requester, { type: 'service_request', title: 'New monitor for desk 4B', description: '27 inch, USB-C if possible.', impact: 'low', urgency: 'low' }, context(requester));

  const problem = await openTicket(deps, technician, { type: 'problem', title: 'Recurring Wi-Fi drops on floor 2', description: 'Several incidents point at AP-2B.', impact: 'high', urgency: 'medium' }, context(technician));
  await system.projections.catchUp();
  await linkTicket(deps, technician, wifi.ticketId, { targetId: problem.ticketId, kind: 'caused_by' }, context(technician));

  const change = await openTicket(deps, technician, { type: 'change', title: 'Replace floor 2 access points', description: 'Swap AP-2A..2D for the new model.', impact: 'medium', urgency: 'medium', risk: 'medium', plannedStart: '2026-12-05T18:00:00Z', plannedEnd: '2026-12-05T21:00:00Z' }, context(technician));
  await requestApproval(deps, technician, change.ticketId, [manager.userId], context(technician));

  const printer = await openTicket(deps, requester, { type: 'incident', title: 'Printer jam on 3rd floor', description: 'Tray 2 keeps jamming.', impact: 'low', urgency: 'medium', tags: ['printer'] }, context(requester));
  await moveTicket(deps, technician, printer.ticketId, { action: 'start' }, context(technician));
  await moveTicket(deps, technician, printer.ticketId, { action: 'resolve', code: 'fixed', notes: 'Replaced the pickup roller.' }, context(technician));
  await system.projections.catchUp();
}
