import type { JsonSchema } from './json-schema.js';

/**
 * The reference's examples, in one place. Without them Swagger UI invents `"string"` and zero
 * UUIDs. Three tables, from the most general to the most particular:
 * - FIELD_EXAMPLES: a value per field name, used wherever a schema has that property;
 * - SCHEMA_EXAMPLES: a whole resource per component schema, for the resources the document
 *   leaves open (their fields are not listed one by one);
 * - OPERATION_EXAMPLES: a request or response body per operation id, where the first two would
 *   give a body the route would refuse or that says nothing.
 * Everything else is built from the schema itself (`exampleOf`), and test/api/reference-examples
 * checks that every example validates against its schema.
 */

/** One service desk's ids, so the examples of different operations name the same things. */
export const IDS = {
  ticket: '4f1c9a2e-7b3d-4c8e-9a61-2d5e8f3b7c10',
  user: '9b2e4d71-3c5a-4f8b-8e2d-6a1c7f9e3b42',
  technician: '2c7a9e14-5d3b-4a6f-9c8e-1b4d6f2a8e73',
  team: '6e3b8c21-9f4a-4d7e-b1c5-3a8f2e6d9b54',
  category: 'a1d5f3b7-2e9c-4b8a-8f6d-4c2e7a9b1d35',
  service: 'c8e2a6f4-1b7d-4e3a-9d5c-7f3b1a8e6c29',
  article: 'd4b8f2a6-9c1e-4a7d-8b3f-5e9a2c6d1f47',
  asset: 'e7c3a9f5-4d2b-4e8c-a6f1-9b5d3e7a2c68',
  assetCategory: 'f2a6d4c8-7e1b-4b9d-9c3a-2d8f6b4e1a95',
  calendar: '3d9f5b1e-8a4c-4f2e-b7d6-1c5a9e3f7b26',
  policy: '5a1e7c3d-6b9f-4d4a-8e2c-9f7b3d5a1e84',
  queue: '7b4d2f8a-1e6c-4a3b-9f5d-8c2e4a6b9d13',
  tenant: '1e8c6a4f-3b2d-4c7e-a9f1-5d3b8e2c6a70',
  comment: '8f5b3d9e-2a7c-4e1f-b6d4-3e9a1c7f5b62',
  attachment: 'b3f7e1a9-5c4d-4b2e-8a6f-7d1c9e3b5f28',
  maintenance: '0c6e4a2f-9d8b-4f1c-a3e7-6b2d8f4c1e59',
  relation: '6a2c8e4b-1f9d-4b7a-9e3c-5d1f7b3a9c86',
  event: '2e4a6c8f-7b1d-4e9a-8c3f-1d5b9e7a3c14',
} as const;

const AT = '2026-11-25T09:30:00.000Z';
const LATER = '2026-11-25T11:05:00.000Z';

/** A value per property name; a value whose type the schema does not allow is not used there. */
export const FIELD_EXAMPLES: Readonly<Record<string, unknown>> = {
  id: IDS.ticket,
  ticketId: IDS.ticket,
  masterId: '5c3e1a7f-8b2d-4f6e-9a4c-2e7b5d1f8a36',
  targetId: 'INC-000041',
  ids: [IDS.ticket],
  userId: IDS.technician,
  assigneeId: IDS.technician,
  requesterId: IDS.user,
  approverId: IDS.user,
  approverIds: [IDS.user],
  authorId: IDS.technician,
  uploadedBy: IDS.user,
  ownerUserId: IDS.user,
  watcherIds: [IDS.user],
  notifyUserIds: [IDS.technician],
  teamId: IDS.team,
  ownerTeamId: IDS.team,
  reassignTeamId: IDS.team,
  categoryId: IDS.category,
  categoryIds: [IDS.category],
  serviceId: IDS.service,
  serviceIds: [IDS.service],
  slaPolicyId: IDS.policy,
  policyId: IDS.policy,
  calendarId: IDS.calendar,
  articleId: IDS.article,
  assetIds: [IDS.asset],
  targetAssetId: 'a9e5c1f3-6d2b-4a8e-b4c7-3f1d9a5e7b20',
  targetServiceId: IDS.service,
  tenantId: IDS.tenant,
  eventId: IDS.event,
  parentId: IDS.category,
  commentIds: [IDS.comment],
  number: 'INC-000042',
  type: 'incident',
  ticketType: 'incident',
  ticketTypes: ['incident', 'service_request'],
  title: 'Printer on floor 2 prints blank pages',
  description: 'Since this morning every job on PRN-0207 comes out blank. Other printers work.',
  body: 'Replaced the toner cartridge; a test page printed fine.',
  comment: 'Worked for me after the restart.',
  note: 'Toner replaced.',
  notes: 'Replaced the toner cartridge and printed a test page.',
  reason: 'The whole sales floor cannot print',
  resolution: 'Toner cartridge replaced.',
  pendingReason: 'Waiting for the requester to confirm',
  impact: 'high',
  urgency: 'medium',
  priority: 'P2',
  risk: 'low',
  tags: ['printer', 'floor-2'],
  tag: 'LAP-0042',
  name: 'Hardware support',
  organization: 'Acme Ltd',
  email: 'tia@demo.example',
  password: 'velvet-harbor-quartz-88',
  currentPassword: 'velvet-harbor-quartz-88',
  newPassword: 'amber-compass-willow-93',
  role: 'technician',
  tenant: 'demo',
  code: '492039',
  mfaToken: 'eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJtZmEifQ.c2lnbmF0dXJl',
  accessToken: 'eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl',
  refreshToken: 'rt_6f1b9d3e7a2c4e8f0b5d9a3c7e1f4b8d',
  tokenType: 'Bearer',
  expiresIn: 900,
  secret: 'JBSWY3DPEHPK3PXP',
  recoveryCodes: ['7k2m-9xq4', 'p3v8-h6tw'],
  subject: '[{{ticket.number}}] {{ticket.title}}',
  html: '<p>Hello {{recipient.name}}, {{ticket.number}} was updated.</p>',
  text: 'Hello {{recipient.name}}, {{ticket.number}} was updated.',
  timeZone: 'Europe/Berlin',
  start: '09:00',
  end: '17:00',
  holidays: ['2026-12-25', '2026-12-26'],
  plannedStart: '2026-11-28T20:00:00.000Z',
  plannedEnd: '2026-11-28T22:00:00.000Z',
  plannedFor: '2026-12-01',
  doneOn: '2026-12-01',
  purchaseDate: '2025-03-14',
  warrantyEnd: '2028-03-14',
  purchaseCost: '1249.00',
  estimatedCost: '80.00',
  actualCost: '75.50',
  currency: 'EUR',
  serial: 'C02XK1ZJJGH5',
  vendor: 'Lenovo',
  location: 'Berlin, floor 2',
  filename: 'error-screenshot.png',
  mediaType: 'image/png',
  size: 48213,
  sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  firstResponseMinutes: 30,
  resolutionMinutes: 480,
  warningShare: 0.8,
  audience: 'public',
  kind: 'article',
  helpful: true,
  internal: false,
  resolveLinkedIncidents: true,
  criticality: 'high',
  strategy: 'round_robin',
  action: 'assign',
  status: 'new',
  state: 'running',
  decision: 'approved',
  version: 3,
  revision: 3,
  position: '0000000000001234:0000000000000001',
  nextCursor: null,
  total: 1,
  createdAt: AT,
  updatedAt: LATER,
  registeredAt: AT,
  occurredAt: AT,
  recordedAt: AT,
  editedAt: LATER,
  resolvedAt: LATER,
  closedAt: null,
  dueAt: '2026-11-25T17:30:00.000Z',
  warningAt: '2026-11-25T16:06:00.000Z',
  message: 'between 1 and 300 characters',
  path: '/title',
  detail: 'cannot resolve a ticket that is closed',
  summary: 'status: assigned → resolved',
  groupBy: 'team',
  from: '2026-11-01',
  to: '2026-11-30',
};

/** Whole resources, for the component schemas that leave their fields open. */
export const SCHEMA_EXAMPLES: Readonly<Record<string, unknown>> = {
  Accepted: { status: 'accepted', position: '0000000000001234:0000000000000001' },
  Category: { id: IDS.category, name: 'Printing', description: 'Printers, scanners and copiers', parentId: null, active: true, createdAt: AT, updatedAt: AT, version: 0 },
  Service: {
    id: IDS.service,
    name: 'Laptop request',
    description: 'A new or replacement laptop',
    ownerTeamId: IDS.team,
    criticality: 'medium',
    slaPolicyId: IDS.policy,
    requestForm: { type: 'object', properties: { model: { enum: ['14-inch', '16-inch'] } }, required: ['model'] },
    active: true,
    createdAt: AT,
    updatedAt: AT,
    version: 1,
  },
  AssetCategory: { id: IDS.assetCategory, name: 'Laptops', attributesSchema: { type: 'object', properties: { ramGb: { type: 'integer', minimum: 1 } } }, createdAt: AT, updatedAt: AT, version: 0 },
  Asset: {
    id: IDS.asset,
    tag: 'LAP-0042',
    name: 'ThinkPad T14 (Tia)',
    categoryId: IDS.assetCategory,
    status: 'in_use',
    ownerUserId: IDS.technician,
    location: 'Berlin, floor 2',
    serial: 'PF3KX9ZQ',
    vendor: 'Lenovo',
    purchaseDate: '2025-03-14',
    purchaseCost: '1249.00',
    warrantyEnd: '2028-03-14',
    attributes: { ramGb: 32 },
    createdAt: AT,
    updatedAt: LATER,
    version: 2,
  },
  Maintenance: { id: IDS.maintenance, assetId: IDS.asset, kind: 'planned', description: 'Battery replacement', plannedFor: '2026-12-01', estimatedCost: '80.00', currency: 'EUR', state: 'planned', createdAt: AT },
  AssetRelation: { id: IDS.relation, assetId: IDS.asset, type: 'depends_on', targetAssetId: 'a9e5c1f3-6d2b-4a8e-b4c7-3f1d9a5e7b20', targetServiceId: null, createdAt: AT },
  Article: {
    id: IDS.article,
    kind: 'article',
    status: 'published',
    title: 'Printer prints blank pages',
    body: '1. Open the front cover.\n2. Replace the toner cartridge.\n3. Print a test page.',
    bodyHtml: '<ol>\n<li>Open the front cover.</li>\n<li>Replace the toner cartridge.</li>\n<li>Print a test page.</li>\n</ol>\n',
    tags: ['printer'],
    categoryId: IDS.category,
    audience: 'public',
    contentVersion: 2,
    publishedVersion: 2,
    createdAt: AT,
    updatedAt: LATER,
    version: 4,
    helpfulCount: 12,
    notHelpfulCount: 1,
    resolvedTickets: 7,
  },
  ArticleComment: { id: IDS.comment, authorId: IDS.user, body: 'Step 2 fixed it for me.', createdAt: LATER },
  BusinessCalendar: {
    id: IDS.calendar,
    name: 'Berlin office hours',
    timeZone: 'Europe/Berlin',
    week: { mon: [{ start: '09:00', end: '17:00' }], tue: [{ start: '09:00', end: '17:00' }], wed: [{ start: '09:00', end: '17:00' }], thu: [{ start: '09:00', end: '17:00' }], fri: [{ start: '09:00', end: '17:00' }], sat: [], sun: [] },
    holidays: ['2026-12-25', '2026-12-26'],
    status: 'active',
    version: 0,
  },
  SlaPolicy: {
    id: IDS.policy,
    name: 'Standard support',
    calendarId: IDS.calendar,
    scope: { ticketType: 'incident' },
    targets: {
      P1: { firstResponseMinutes: 15, resolutionMinutes: 240 },
      P2: { firstResponseMinutes: 30, resolutionMinutes: 480 },
      P3: { firstResponseMinutes: 120, resolutionMinutes: 1440 },
      P4: { firstResponseMinutes: 240, resolutionMinutes: 2880 },
      P5: { firstResponseMinutes: 480, resolutionMinutes: 4800 },
    },
    warningShare: 0.8,
    escalation: { onBreach: { notifyUserIds: [IDS.technician], reassignTeamId: IDS.team } },
    status: 'active',
    version: 1,
  },
  Queue: { id: IDS.queue, name: 'Hardware', teamId: IDS.team, position: 1, rules: { ticketTypes: ['incident'], categoryIds: [IDS.category] }, strategy: 'round_robin', active: true, version: 0 },
  EmailTemplate: { kind: 'ticket_assigned', subject: '[{{ticket.number}}] assigned to you', html: '<p>{{ticket.title}}</p>', text: '{{ticket.title}}', custom: true, updatedAt: AT, version: 2 },
  OutboxMessage: { id: IDS.event, kind: 'ticket_assigned', to: 'tia@demo.example', subject: '[INC-000042] assigned to you', state: 'sent', attempts: 1, createdAt: AT, sentAt: LATER },
  SearchHit: { type: 'ticket', id: IDS.ticket, reference: 'INC-000042', title: 'Printer on floor 2 prints blank pages', snippet: 'every job on **PRN-0207** comes out blank', score: 0.87, status: 'assigned', updatedAt: LATER },
};

export interface OperationExample {
  readonly request?: unknown;
  readonly response?: unknown;
  /** The problem of a status this route describes in its own words. */
  readonly problem?: unknown;
}

/** The problem each shared problem response shows. */
export const PROBLEM_EXAMPLES: Readonly<Record<string, { readonly type: string; readonly title: string; readonly status: number; readonly detail: string; readonly [extra: string]: unknown }>> = {
  BadRequest: { type: 'urn:itsm:problem:validation', title: 'Invalid request', status: 400, detail: 'invalid title', errors: [{ path: '/title', message: 'between 1 and 300 characters' }] },
  Unauthorized: { type: 'urn:itsm:problem:unauthorized', title: 'Unauthorized', status: 401, detail: 'the access token has expired' },
  Forbidden: { type: 'urn:itsm:problem:forbidden', title: 'Forbidden', status: 403, detail: 'a technician may not publish or archive articles' },
  NotFound: { type: 'urn:itsm:problem:not-found', title: 'Not found', status: 404, detail: 'ticket not found' },
  Conflict: { type: 'urn:itsm:problem:illegal-state', title: 'Not allowed in the current state', status: 409, detail: 'cannot resolve a ticket that is closed', allowedTransitions: ['reopen'] },
  PreconditionFailed: { type: 'urn:itsm:problem:stale-version', title: 'Precondition failed', status: 412, detail: 'the ticket is at version 4, not 3', currentVersion: 4 },
  ContentTooLarge: { type: 'urn:itsm:problem:http-413', title: 'Content Too Large', status: 413, detail: 'the body is larger than 1048576 bytes' },
  UnsupportedMediaType: { type: 'urn:itsm:problem:http-415', title: 'Unsupported Media Type', status: 415, detail: 'send text/csv' },
  UnprocessableContent: { type: 'urn:itsm:problem:idempotency-mismatch', title: 'Unprocessable Content', status: 422, detail: 'this Idempotency-Key was used with another request' },
  TooManyRequests: { type: 'urn:itsm:problem:rate-limited', title: 'Too many requests', status: 429, detail: 'too many requests; retry after 12 seconds' },
  ServiceUnavailable: { type: 'urn:itsm:problem:unavailable', title: 'Service Unavailable', status: 503, detail: 'a backing service is unavailable; try again shortly' },
  Problem: { type: 'urn:itsm:problem:not-found', title: 'Not found', status: 404, detail: 'article not found' },
};

/** The id a path's `:id` names, by the collection before it. */
export const PATH_IDS: Readonly<Record<string, string>> = {
  tickets: IDS.ticket,
  articles: IDS.article,
  assets: IDS.asset,
  'asset-categories': IDS.assetCategory,
  users: IDS.technician,
  teams: IDS.team,
  departments: IDS.team,
  categories: IDS.category,
  services: IDS.service,
  'business-calendars': IDS.calendar,
  'sla-policies': IDS.policy,
  queues: IDS.queue,
  attachments: IDS.attachment,
};

/** Bodies the schema alone cannot give: a choice between fields, a command's parameters, a free-form answer. */
export const OPERATION_EXAMPLES: Readonly<Record<string, OperationExample>> = {
  postApiV1TicketsBulk: { request: { ids: [IDS.ticket, '5c3e1a7f-8b2d-4f6e-9a4c-2e7b5d1f8a36'], action: 'assign', params: { teamId: IDS.team } } },
  postApiV1AssetsIdRelations: { request: { type: 'depends_on', targetAssetId: 'a9e5c1f3-6d2b-4a8e-b4c7-3f1d9a5e7b20' } },
  postApiV1Tickets: {
    request: {
      type: 'incident',
      title: 'Printer on floor 2 prints blank pages',
      description: 'Since this morning every job on PRN-0207 comes out blank. Other printers work.',
      impact: 'medium',
      urgency: 'high',
      categoryId: IDS.category,
      assetIds: [IDS.asset],
      tags: ['printer'],
    },
  },
  postApiV1Users: { request: { email: 'tia@demo.example', name: 'Tia Technician', role: 'technician', password: 'velvet-harbor-quartz-88' } },
  postApiV1TicketsIdResolve: { request: { code: 'fixed', notes: 'Replaced the toner cartridge and printed a test page.', resolveLinkedIncidents: false } },
  postApiV1Signup: {
    request: { organization: 'Acme Ltd', email: 'ada@acme.example', password: 'saffron-kettle-orbit-42', name: 'Ada Admin' },
    response: {
      tenant: { id: IDS.tenant, slug: 'acme-ltd', name: 'Acme Ltd' },
      user: { id: IDS.user, email: 'ada@acme.example', name: 'Ada Admin', role: 'admin' },
      accessToken: 'eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl',
      refreshToken: 'rt_6f1b9d3e7a2c4e8f0b5d9a3c7e1f4b8d',
      tokenType: 'Bearer',
      expiresIn: 900,
    },
  },
  postApiV1AssetsImport: {
    response: { dryRun: false, rows: 20, valid: 20, imported: 20, failed: 0, errors: [], errorsOmitted: 0 },
    problem: {
      type: 'urn:itsm:problem:import-rows',
      title: 'Rows cannot be imported',
      status: 422,
      detail: '1 of 20 rows cannot be imported, so nothing was; fix them and send the file again',
      errors: [{ path: '/rows/7/status', message: 'one of in_stock, in_use, in_repair, retired, disposed' }],
      report: { dryRun: false, rows: 20, valid: 19, imported: 0, failed: 1, errors: [{ row: 7, tag: 'LAP-0049', errors: [{ field: 'status', message: 'one of in_stock, in_use, in_repair, retired, disposed' }] }], errorsOmitted: 0 },
    },
  },
  getApiV1ArticlesIdVersions: {
    response: {
      data: [
        { version: 1, title: 'Printer prints blank pages', body: 'Replace the toner.', tags: ['printer'], categoryId: IDS.category, audience: 'public', createdAt: AT },
        { version: 2, title: 'Printer prints blank pages', body: '1. Open the front cover.\n2. Replace the toner cartridge.', tags: ['printer'], categoryId: IDS.category, audience: 'public', createdAt: LATER },
      ],
    },
  },
  getApiV1ArticlesIdDiff: {
    response: {
      articleId: IDS.article,
      from: 1,
      to: 2,
      changes: {},
      body: { changed: true, linesAdded: 2, linesRemoved: 1, replacedWhole: false, hunks: [{ oldStart: 1, oldLines: 1, newStart: 1, newLines: 2, lines: ['-Replace the toner.', '+1. Open the front cover.', '+2. Replace the toner cartridge.'] }] },
    },
  },
};

const UUID_FALLBACK = '8d3f2a61-4c7e-4b9a-9f12-6e5d4c3b2a10';

/** A value the schema accepts, named for what it is where it can be; `name` is the property it fills. */
export function exampleOf(schema: JsonSchema, components: Readonly<Record<string, JsonSchema>>, name = '', depth = 0): unknown {
  if (depth > 8) return null;
  const next = (inner: JsonSchema, innerName = name) => exampleOf(inner, components, innerName, depth + 1);
  if (typeof schema.$ref === 'string') {
    const component = schema.$ref.replace('#/components/schemas/', '');
    return component in SCHEMA_EXAMPLES ? SCHEMA_EXAMPLES[component] : next(components[component] ?? {});
  }
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum.includes(FIELD_EXAMPLES[name]) ? FIELD_EXAMPLES[name] : schema.enum[0];
  const known = FIELD_EXAMPLES[name];
  if (known !== undefined && fits(known, typeOf(schema), schema)) return known;
  if (schema.default !== undefined) return schema.default;
  const branches = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (branches) return next(branches.find((branch) => branch.type !== 'null') ?? branches[0]!);
  if (Array.isArray(schema.allOf)) {
    const { allOf, ...own } = schema;
    return Object.assign({}, ...(allOf as JsonSchema[]).map((part) => next(part)), Object.keys(own).length > 0 ? next(own) : {});
  }
  const type = typeOf(schema);
  switch (type) {
    case 'object':
    case undefined: {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      if (type === undefined && Object.keys(properties).length === 0) return {};
      return Object.fromEntries(Object.entries(properties).map(([property, inner]) => [property, next(inner, property)]));
    }
    case 'array': {
      const items = (schema.items ?? {}) as JsonSchema;
      return Array.from({ length: Math.max(1, Number(schema.minItems ?? 1)) }, () => next(items, name.replace(/s$/, '')));
    }
    case 'string':
      return stringOf(schema, name);
    case 'integer':
    case 'number': {
      const minimum = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : 1;
      return typeof schema.maximum === 'number' ? Math.min(minimum, schema.maximum) : minimum;
    }
    case 'boolean':
      return true;
    default:
      return null;
  }
}

function typeOf(schema: JsonSchema): string | undefined {
  return Array.isArray(schema.type) ? ((schema.type as string[]).find((candidate) => candidate !== 'null') ?? 'null') : (schema.type as string | undefined);
}

function stringOf(schema: JsonSchema, name: string): string {
  switch (schema.format) {
    case 'uuid':
      return UUID_FALLBACK;
    case 'date-time':
      return AT;
    case 'date':
      return '2026-11-25';
    case 'email':
      return 'tia@demo.example';
    case 'uri':
      return 'https://desk.example.com/tickets/INC-000042';
    case 'uri-reference':
      return `/api/v1/tickets/${IDS.ticket}`;
    default: {
      const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() || 'text';
      const minimum = Number(schema.minLength ?? 0);
      return words.length >= minimum ? words : words.padEnd(minimum, 'x');
    }
  }
}

function fits(value: unknown, type: string | undefined, schema: JsonSchema): boolean {
  if (value === null) return Array.isArray(schema.type) ? (schema.type as string[]).includes('null') : false;
  if (type === undefined) return false;
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return typeof value === 'object' && !Array.isArray(value);
  if (typeof value !== type) return false;
  if (type === 'string' && typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value as string)) return false;
  if (type === 'string' && schema.format === 'uuid' && !/^[0-9a-f-]{36}$/.test(value as string)) return false;
  return true;
}
