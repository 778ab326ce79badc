import { attachExamples } from './attach-examples.js';
import { sharedComponents } from './components.js';
import { catalogArea, catalogSchemas } from './areas/catalog.js';
import { cmdbArea, cmdbSchemas } from './areas/cmdb.js';
import { authArea, groupsArea, identitySchemas, usersArea } from './areas/identity.js';
import { knowledgeArea, knowledgeSchemas } from './areas/knowledge.js';
import { auditArea, deskSchemas, notificationsArea, queuesArea, searchArea } from './areas/operations-desk.js';
import { reportsArea } from '../reports/reference.js';
import { serviceArea } from './areas/service.js';
import { slaArea, slaSchemas } from './areas/sla.js';
import { ticketSchemas } from './areas/ticket-schemas.js';
import { ticketsArea } from './areas/tickets.js';
import type { JsonSchema } from './json-schema.js';
import type { Area } from './operation.js';
import { openApiPath, operationObject } from './operation.js';

/** Every area in the order the reference shows them. */
export const AREAS: readonly Area[] = [ticketsArea, authArea, usersArea, groupsArea, catalogArea, cmdbArea, knowledgeArea, slaArea, queuesArea, notificationsArea, reportsArea, auditArea, searchArea, serviceArea];

const DESCRIPTION = `Event-sourced IT service management: incidents, service requests, problems and changes; SLAs; a knowledge base; the CMDB; the service catalog.

- JSON in and out, camelCase fields; ids are UUIDs, and tickets also answer to their number (\`INC-000042\`).
- Errors are RFC 9457 \`application/problem+json\`; validation failures list each field in \`errors\`.
- Lists page by keyset: \`limit\` (default 25, at most 100) and \`cursor\` from the previous page's \`nextCursor\`.
- Resources with a stream carry \`version\` and an \`ETag\`; writes that take \`If-Match\` answer 412 when it is stale.
- A command answers the resource as projected after it; when the projection lags past the bound, 202 with the log position.
- Command routes honour \`Idempotency-Key\`.
- Sign in with \`POST /api/v1/auth/login\` and send \`Authorization: Bearer <accessToken>\`. Every caller sees only their tenant; another tenant's ids answer 404.`;

/** The API's OpenAPI 3.1 document, built from the area tables and the zod schemas the routers validate with. */
export function openApiDocument(areas: readonly Area[] = AREAS): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const area of areas) {
    for (const operation of area.operations) {
      const item = (paths[openApiPath(operation.path)] ??= {});
      const method = operation.method.toLowerCase();
      // Two entries for one route would silently hide one: refuse to build instead.
      if (item[method]) throw new Error(`the reference documents ${operation.method} ${operation.path} twice`);
      item[method] = operationObject(area, operation);
    }
  }
  return attachExamples({
    openapi: '3.1.0',
    info: { title: 'itsm API', version: '1.0.0', description: DESCRIPTION, license: { name: 'MIT', identifier: 'MIT' } },
    servers: [{ url: '/', description: 'This server' }],
    tags: areas.map((area) => ({ name: area.tag, description: area.description })),
    paths,
    components: {
      ...sharedComponents,
      schemas: { ...sharedComponents.schemas, ...ticketSchemas, ...identitySchemas, ...catalogSchemas, ...cmdbSchemas, ...knowledgeSchemas, ...slaSchemas, ...deskSchemas },
      responses: { ...sharedComponents.responses },
    },
  });
}

/** The routes a document describes, as the routers spell them (`GET /api/v1/tickets/:id`). */
export function documentedRoutes(document: JsonSchema): string[] {
  const paths = (document.paths ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`));
}
