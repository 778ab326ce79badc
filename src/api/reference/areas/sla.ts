import { noBody } from '../../sla/schemas.js';
import * as calendars from '../../sla/business-calendars-router.js';
import * as policies from '../../sla/sla-policies-router.js';
import type { z } from 'zod';
import type { JsonSchema } from '../json-schema.js';
import { page, ref, resource } from '../json-schema.js';
import type { Area, OperationSpec } from '../operation.js';

export const slaSchemas: Record<string, JsonSchema> = {
  BusinessCalendar: resource('Working hours per weekday, holidays and a time zone; every edit is a new version.'),
  SlaPolicy: resource('Response and resolution targets per priority, under a business calendar; every edit is a new version.'),
};

function versionedOperations(collection: string, schema: string, [noun, plural]: [string, string], bodies: { createBody: z.ZodType; patchBody: z.ZodType; query: z.ZodType }): OperationSpec[] {
  const base = `/api/v1/${collection}`;
  const written = (status: number) => ({ status, description: `The ${noun} as projected after the command.`, schema: ref(schema), etag: true, ...(status === 201 ? { location: true } : {}) });
  return [
    { method: 'POST', path: base, summary: `Create a ${noun}`, body: bodies.createBody, ok: written(201), afterWrite: true, errors: [409] },
    { method: 'GET', path: base, summary: `List ${plural}`, query: bodies.query, ok: { status: 200, description: `A page of ${plural}.`, schema: page(ref(schema)) } },
    { method: 'GET', path: `${base}/:id`, summary: `Read a ${noun}`, ok: { status: 200, description: `The ${noun}'s current version.`, schema: ref(schema), etag: true } },
    {
      method: 'GET',
      path: `${base}/:id/versions/:version`,
      summary: `Read one version of a ${noun}`,
      description: 'Tickets record the version they run under; this reads it back.',
      pathParams: { version: { description: 'The version number.', schema: { type: 'integer', minimum: 1 } } },
      ok: { status: 200, description: 'That version.', schema: ref(schema) },
    },
    { method: 'PATCH', path: `${base}/:id`, summary: `Edit a ${noun} (a new version)`, body: bodies.patchBody, ok: written(200), afterWrite: true, errors: [409] },
    { method: 'POST', path: `${base}/:id/retire`, summary: `Retire a ${noun}`, body: noBody, ok: written(200), afterWrite: true, errors: [409] },
  ];
}

export const slaArea: Area = {
  tag: 'SLA',
  description: 'Business calendars and SLA policies.',
  access: 'signedIn',
  idempotent: true,
  operations: [
    ...versionedOperations('business-calendars', 'BusinessCalendar', ['business calendar', 'business calendars'], { createBody: calendars.createBody, patchBody: calendars.patchBody, query: calendars.calendarsQuery }),
    ...versionedOperations('sla-policies', 'SlaPolicy', ['SLA policy', 'SLA policies'], { createBody: policies.createBody, patchBody: policies.patchBody, query: policies.policiesQuery }),
  ],
};
