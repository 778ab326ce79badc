import { z } from 'zod';
import { LEVELS, LINK_KINDS, PRIORITIES, RISKS, STATUSES, TICKET_NUMBER_PATTERN, TICKET_TYPES } from '../../domain/ticket/index.js';
import { SORTS } from '../../projections/tickets/queries.js';
import { jsonObject } from '../json-object.js';

const id = z.uuid().transform((value) => value.toLowerCase());
/** `?assigneeId=none`: the tickets nobody holds (null), or one person's (a uuid). */
const idOrNone = z.union([z.literal('none').transform(() => null), id]);
/** A ticket named by its UUID or by its number (`INC-000123`), as every `:id` of the tickets routes. */
const ticketReference = z.union([id, z.string().regex(TICKET_NUMBER_PATTERN, 'a ticket UUID or number such as INC-000123')]);
// PostgreSQL has no year 0: such an instant would fail in SQL instead of in validation.
const instant = z.iso.datetime({ offset: true }).refine((value) => Number(value.slice(0, 4)) >= 1, 'the year must be 0001 or later');
/** `?status=new,assigned`: a comma-separated list of allowed values. */
const list = <const Values extends readonly [string, ...string[]]>(values: Values) =>
  z
    .string()
    .max(500)
    .transform((value) => value.split(',').map((part) => part.trim()).filter((part) => part.length > 0))
    .pipe(z.array(z.enum(values)).min(1).max(20));

export const openBody = z
  .object({
    type: z.enum(TICKET_TYPES),
    title: z.string().max(300),
    description: z.string().max(50_000).default(''),
    impact: z.enum(LEVELS),
    urgency: z.enum(LEVELS),
    categoryId: id.optional(),
    serviceId: id.optional(),
    teamId: id.optional(),
    assetIds: z.array(id).max(50).optional(),
    tags: z.array(z.string().max(50)).max(20).optional(),
    requesterId: id.optional(),
    risk: z.enum(RISKS).optional(),
    plannedStart: instant.optional(),
    plannedEnd: instant.optional(),
    /** A service request's answers to its service's request form (checked against it). */
    answers: jsonObject.optional(),
  })
  .strict();

export const patchBody = z
  .object({
    title: z.string().max(300).optional(),
    description: z.string().max(50_000).optional(),
    impact: z.enum(LEVELS).optional(),
    urgency: z.enum(LEVELS).optional(),
    categoryId: id.nullable().optional(),
    serviceId: id.nullable().optional(),
    assetIds: z.array(id).max(50).optional(),
    tags: z.array(z.string().max(50)).max(20).optional(),
    risk: z.enum(RISKS).nullable().optional(),
    plannedStart: instant.nullable().optional(),
    plannedEnd: instant.nullable().optional(),
  })
  .strict();

export const priorityBody = z.object({ priority: z.enum(PRIORITIES), reason: z.string().max(1000) }).strict();
export const assignBody = z.object({ assigneeId: id.nullable(), teamId: id.nullable().optional() }).strict();
export const reasonBody = z.object({ reason: z.string().max(1000) }).strict();
export const resolveBody = z.object({ code: z.string().max(50), notes: z.string().max(10_000), resolveLinkedIncidents: z.boolean().default(false) }).strict();
export const closeBody = z.object({ resolveLinkedIncidents: z.boolean().default(false) }).strict().default({ resolveLinkedIncidents: false });

export const bulkBody = z
  .object({
    ids: z.array(id).min(1).max(500),
    action: z.enum(['assign', 'start', 'pend', 'resume', 'resolve', 'close', 'reopen', 'cancel', 'delete', 'restore']),
    params: z
      .object({
        assigneeId: id.nullable().optional(),
        teamId: id.nullable().optional(),
        reason: z.string().max(1000).optional(),
        code: z.string().max(50).optional(),
        notes: z.string().max(10_000).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();
export const emptyBody = z.object({}).strict().optional();
export const commentBody = z.object({ body: z.string().max(20_000), internal: z.boolean().default(false) }).strict();
export const editCommentBody = z.object({ body: z.string().max(20_000) }).strict();
export const articleLinkBody = z.object({ articleId: id }).strict();
export const linkBody = z.object({ targetId: ticketReference, kind: z.enum(LINK_KINDS) }).strict();
export const approvalsBody = z.object({ approverIds: z.array(id).min(1).max(20) }).strict();
export const decisionBody = z.object({ comment: z.string().max(5_000).default('') }).strict();
export const watcherBody = z.object({ userId: id }).strict();

export const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().max(512).optional(),
    sort: z.enum(SORTS).default('-createdAt'),
    count: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
    status: list(STATUSES).optional(),
    type: list(TICKET_TYPES).optional(),
    priority: list(PRIORITIES).optional(),
    assigneeId: idOrNone.optional(),
    teamId: idOrNone.optional(),
    requesterId: id.optional(),
    categoryId: id.optional(),
    tag: z.string().max(50).optional(),
    createdFrom: instant.optional(),
    createdTo: instant.optional(),
    updatedFrom: instant.optional(),
    updatedTo: instant.optional(),
  })
  .strict();

export const mergeBody = z.object({ masterId: id }).strict();
export const splitBody = z.object({ commentIds: z.array(id).min(1).max(200), title: z.string().max(300).optional() }).strict();

export const whatIfBody = z.object({ policyId: id }).strict();

/** `?asOf=<instant>` or `?asOfVersion=<n>`: one point in the ticket's history, not both. */
export const asOfQuery = z
  .object({ asOf: instant.optional(), asOfVersion: z.coerce.number().int().min(0).max(1_000_000_000).optional() })
  .strict()
  .refine((query) => query.asOf === undefined || query.asOfVersion === undefined, { message: 'give asOf or asOfVersion, not both', path: ['asOfVersion'] });
