/**
 * Who may do what inside a tenant: the one table both commands and queries consult.
 * Tenant boundaries are not decided here: every query and command is scoped to the caller's
 * tenant before this table is asked.
 */
export const ROLES = ['admin', 'manager', 'technician', 'user', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const ACTIONS = [
  'tenant.read',
  'tenant.update',
  'user.create',
  'user.list',
  'user.read',
  'user.update',
  'user.changeRole',
  'user.deactivate',
  'team.create',
  'team.list',
  'team.read',
  'team.update',
  'team.manageMembers',
  'department.create',
  'department.list',
  'department.read',
  'department.update',
  'department.manageMembers',
  'catalog.read',
  'catalog.manage',
  'ticket.create',
  'ticket.readAll',
  'ticket.readInternal',
  'ticket.contribute',
  'ticket.onBehalf',
  'ticket.work',
  'ticket.commentInternal',
  'ticket.assign',
  'ticket.assignSelf',
  'ticket.handOver',
  'ticket.overridePriority',
  'ticket.requestApproval',
  'ticket.delete',
  'ticket.unmerge',
  'ticket.bulk',
  'sla.read',
  'sla.manage',
  'notifications.manage',
  'article.read',
  'article.feedback',
  'article.readAll',
  'article.write',
  'article.publish',
  'assetCategory.read',
  'assetCategory.manage',
  'asset.read',
  'asset.readOwn',
  'asset.write',
  'asset.import',
  'queue.read',
  'queue.manage',
  'search.query',
  'audit.verify',
  'audit.export',
  'ticket.timeTravel',
  'report.read',
  'user.forget',
] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * What each action is, in the words of a refusal: "a technician may not <phrase>". A table keyed by
 * every action, so an action added without its phrase does not compile.
 */
const ACTION_PHRASES: { readonly [A in Action]: string } = {
  'tenant.read': "see the organization's settings",
  'tenant.update': "change the organization's settings",
  'user.create': 'add people',
  'user.list': 'list the people of the organization',
  'user.read': "see other people's profiles",
  'user.update': "change other people's profiles",
  'user.changeRole': "change people's roles",
  'user.deactivate': 'deactivate or reactivate people',
  'team.create': 'create teams',
  'team.list': 'list teams',
  'team.read': 'see teams',
  'team.update': 'rename or retire teams',
  'team.manageMembers': "change a team's members",
  'department.create': 'create departments',
  'department.list': 'list departments',
  'department.read': 'see departments',
  'department.update': 'rename or retire departments',
  'department.manageMembers': "change a department's members",
  'catalog.read': 'see the service catalog',
  'catalog.manage': 'change the service catalog',
  'ticket.create': 'raise tickets',
  'ticket.readAll': "see other people's tickets",
  'ticket.readInternal': 'read internal notes',
  'ticket.contribute': 'comment on, attach files to or watch tickets',
  'ticket.onBehalf': 'raise tickets on behalf of someone else',
  'ticket.work': 'work on tickets',
  'ticket.commentInternal': 'write internal notes on tickets',
  'ticket.assign': 'reassign tickets to another team or agent',
  'ticket.assignSelf': 'take tickets',
  'ticket.handOver': 'hand over the tickets they work on',
  'ticket.overridePriority': "override a ticket's priority",
  'ticket.requestApproval': 'ask for approval of a ticket',
  'ticket.delete': 'delete or restore tickets',
  'ticket.unmerge': 'undo a merge of tickets',
  'ticket.bulk': 'change many tickets at once',
  'sla.read': 'see service level agreements',
  'sla.manage': 'change service level agreements or business calendars',
  'notifications.manage': 'manage email templates or the outgoing mail',
  'article.read': 'read knowledge-base articles',
  'article.feedback': 'vote on or comment on articles',
  'article.readAll': 'read unpublished articles',
  'article.write': 'write articles',
  'article.publish': 'publish or archive articles',
  'assetCategory.read': 'see asset categories',
  'assetCategory.manage': 'change asset categories',
  'asset.read': "see other people's assets",
  'asset.readOwn': 'see assets',
  'asset.write': 'register or change assets',
  'asset.import': 'import assets',
  'queue.read': 'see queues',
  'queue.manage': 'change queues',
  'search.query': 'search',
  'audit.verify': 'verify the audit trail',
  'audit.export': 'export the audit log',
  'ticket.timeTravel': 'see a ticket as it was in the past',
  'report.read': 'read reports',
  'user.forget': "erase a person's personal data",
};

/** "a user", "an admin": the article goes by how the role sounds, not how it is spelled. */
const ROLE_NOUNS: { readonly [R in Role]: string } = {
  admin: 'an admin',
  manager: 'a manager',
  technician: 'a technician',
  user: 'a user',
  auditor: 'an auditor',
};

/** A refusal a person understands: "a technician may not reassign tickets to another team or agent". */
export function refusal(role: Role, action: Action): string {
  return `${ROLE_NOUNS[role]} may not ${ACTION_PHRASES[action]}`;
}

const AGENT_DIRECTORY: readonly Action[] = ['tenant.read', 'user.list', 'user.read', 'team.list', 'team.read', 'department.list', 'department.read'];

/** Requesters pick a category and a service when they raise a ticket, so everyone reads the catalog. */
const EVERYONE: readonly Action[] = ['catalog.read'];

/**
 * Agents see every ticket of the tenant and work them; technicians may take a ticket themselves and
 * hand over one they work on (checked per ticket), managers assign anyone and undo merges. A requester raises tickets and sees only their own (checked per ticket).
 */
const TICKET_READING: readonly Action[] = ['ticket.readAll', 'ticket.readInternal'];
/** Any change to a ticket someone may see (a public comment, a file, watching it); an auditor changes nothing. */
const TICKET_CONTRIBUTING: readonly Action[] = ['ticket.contribute'];
const TICKET_WORK: readonly Action[] = [...TICKET_READING, ...TICKET_CONTRIBUTING, 'ticket.create', 'ticket.onBehalf', 'ticket.work', 'ticket.commentInternal', 'ticket.assignSelf', 'ticket.handOver', 'ticket.requestApproval'];
const TICKET_MANAGEMENT: readonly Action[] = [...TICKET_WORK, 'ticket.assign', 'ticket.overridePriority', 'ticket.delete', 'ticket.unmerge', 'ticket.bulk'];

/** Agents read the SLAs their tickets run under; only admins set them. */
const SLA_READING: readonly Action[] = ['sla.read'];

/**
 * Everyone reads the knowledge base, requesters only what is published for them (checked per
 * article). Agents write drafts; managers decide what gets published.
 */
const ARTICLE_READING: readonly Action[] = ['article.read'];
/** Readers vote on and comment on what they read, auditors aside. */
const ARTICLE_FEEDBACK: readonly Action[] = [...ARTICLE_READING, 'article.feedback'];
const ARTICLE_READING_ALL: readonly Action[] = [...ARTICLE_READING, 'article.readAll'];
const ARTICLE_WRITING: readonly Action[] = [...ARTICLE_FEEDBACK, ...ARTICLE_READING_ALL, 'article.write'];

/**
 * Agents keep the CMDB: they read the categories and register and move assets; managers also shape
 * the categories. A requester sees only the assets assigned to them (checked per asset).
 */
const ASSET_READING: readonly Action[] = ['assetCategory.read', 'asset.read'];
const ASSET_WORK: readonly Action[] = [...ASSET_READING, 'asset.write'];

/** Agents see how tickets are routed; managers set the rules for their teams. */
const QUEUE_READING: readonly Action[] = ['queue.read'];

/** Everyone searches; what a requester can match is narrowed per document (own tickets, published public articles). */
const SEARCHING: readonly Action[] = ['search.query'];

/** Looking back: replaying a ticket's past, checking the hash chains, the reports. Exporting the log stays the admin's. */
const AUDITING: readonly Action[] = ['audit.verify', 'ticket.timeTravel', 'report.read'];

const GRANTS: Readonly<Record<Role, ReadonlySet<Action>>> = {
  admin: new Set(ACTIONS),
  manager: new Set<Action>([...AGENT_DIRECTORY, 'team.create', 'team.update', 'team.manageMembers', 'department.manageMembers', ...EVERYONE, ...TICKET_MANAGEMENT, ...SLA_READING, ...ARTICLE_WRITING, 'article.publish', ...ASSET_WORK, 'assetCategory.manage', 'asset.import', ...QUEUE_READING, 'queue.manage', ...SEARCHING, ...AUDITING]),
  technician: new Set<Action>([...AGENT_DIRECTORY, ...EVERYONE, ...TICKET_WORK, ...SLA_READING, ...ARTICLE_WRITING, ...ASSET_WORK, ...QUEUE_READING, ...SEARCHING]),
  // Requesters see themselves through /me and their own records; nobody else's.
  user: new Set<Action>(['tenant.read', ...EVERYONE, 'ticket.create', ...TICKET_CONTRIBUTING, ...ARTICLE_FEEDBACK, 'asset.readOwn', ...SEARCHING]),
  // Auditors read what agents read, internal notes and drafts included, and look back; they change nothing.
  auditor: new Set<Action>([...AGENT_DIRECTORY, ...EVERYONE, ...TICKET_READING, ...SLA_READING, ...ARTICLE_READING_ALL, ...ASSET_READING, ...QUEUE_READING, ...SEARCHING, ...AUDITING]),
};

export function can(role: Role, action: Action): boolean {
  return GRANTS[role].has(action);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Agents work tickets; requesters raise them, and auditors only look. */
export function isAgent(role: Role): boolean {
  return can(role, 'ticket.work');
}
