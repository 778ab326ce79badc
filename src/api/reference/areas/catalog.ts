import * as categories from '../../catalog/categories-router.js';
import * as services from '../../catalog/services-router.js';
import { noBody } from '../../catalog/visibility.js';
import type { z } from 'zod';
import type { JsonSchema } from '../json-schema.js';
import { page, ref, resource } from '../json-schema.js';
import type { Area, OperationSpec } from '../operation.js';

export const catalogSchemas: Record<string, JsonSchema> = {
  Category: resource('A category of the service catalog, possibly under a parent.'),
  Service: resource('A service of the catalog: owner team, criticality, SLA policy, request form.'),
};

function catalogOperations(collection: 'categories' | 'services', schema: string, bodies: { createBody: z.ZodType; patchBody: z.ZodType; query: z.ZodType }): OperationSpec[] {
  const base = `/api/v1/${collection}`;
  const noun = schema.toLowerCase();
  const written = (status: number) => ({ status, description: `The ${noun} as projected after the command.`, schema: ref(schema), etag: true, ...(status === 201 ? { location: true } : {}) });
  return [
    { method: 'POST', path: base, summary: `Create a ${noun}`, body: bodies.createBody, ok: written(201), afterWrite: true, errors: [409] },
    {
      method: 'GET',
      path: base,
      summary: `List ${collection}`,
      description: 'Requesters see active entries only.',
      query: bodies.query,
      queryNotes: collection === 'categories' ? { parentId: 'Children of this category; `none` for top-level ones.' } : {},
      ok: { status: 200, description: `A page of ${collection}.`, schema: page(ref(schema)) },
    },
    { method: 'GET', path: `${base}/:id`, summary: `Read a ${noun}`, ok: { status: 200, description: `The ${noun}.`, schema: ref(schema), etag: true } },
    { method: 'PATCH', path: `${base}/:id`, summary: `Edit a ${noun}`, body: bodies.patchBody, ok: written(200), afterWrite: true, errors: [409] },
    { method: 'POST', path: `${base}/:id/deactivate`, summary: `Deactivate a ${noun}`, body: noBody, ok: written(200), afterWrite: true, errors: [409] },
    { method: 'POST', path: `${base}/:id/reactivate`, summary: `Reactivate a ${noun}`, body: noBody, ok: written(200), afterWrite: true, errors: [409] },
  ];
}

export const catalogArea: Area = {
  tag: 'Service catalog',
  description: 'Categories and services that tickets point at.',
  access: 'signedIn',
  idempotent: true,
  operations: [
    ...catalogOperations('categories', 'Category', { createBody: categories.createBody, patchBody: categories.patchBody, query: categories.categoriesQuery }),
    ...catalogOperations('services', 'Service', { createBody: services.createBody, patchBody: services.patchBody, query: services.servicesQuery }),
  ],
};
