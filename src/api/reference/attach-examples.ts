import type { JsonSchema } from './json-schema.js';
import { OPERATION_EXAMPLES, PATH_IDS, PROBLEM_EXAMPLES, SCHEMA_EXAMPLES, exampleOf } from './examples.js';

/**
 * Gives the built document its examples: each JSON request and success body, each path
 * parameter, each shared problem response and each component schema. Query parameters get none:
 * Swagger UI would fill every filter in, and a tried-out list would come back empty.
 */
export function attachExamples(document: JsonSchema): JsonSchema {
  const components = document.components as { schemas: Record<string, JsonSchema>; responses: Record<string, JsonSchema> };
  const schemas = components.schemas;
  for (const [name, schema] of Object.entries(schemas)) {
    if (!Array.isArray(schema.examples)) schemas[name] = { ...schema, examples: [SCHEMA_EXAMPLES[name] ?? exampleOf({ ...schema }, schemas)] };
  }
  for (const [name, response] of Object.entries(components.responses)) {
    const content = response.content as Record<string, JsonSchema> | undefined;
    const media = content?.['application/problem+json'];
    const example = PROBLEM_EXAMPLES[name];
    if (media && example) components.responses[name] = { ...response, content: { ...content, 'application/problem+json': { ...media, example } } };
  }
  const paths = document.paths as Record<string, Record<string, JsonSchema>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const operation of Object.values(item)) exampleOperation(path, operation, schemas);
  }
  return document;
}

function exampleOperation(path: string, operation: JsonSchema, schemas: Record<string, JsonSchema>): void {
  const given = OPERATION_EXAMPLES[operation.operationId as string] ?? {};
  const segments = path.split('/');
  for (const parameter of (operation.parameters ?? []) as JsonSchema[]) {
    if (parameter.in !== 'path') continue;
    const name = parameter.name as string;
    const collection = segments[segments.indexOf(`{${name}}`) - 1] ?? '';
    parameter.example = name === 'id' && PATH_IDS[collection] ? PATH_IDS[collection] : exampleOf(parameter.schema as JsonSchema, schemas, name);
  }
  const body = (operation.requestBody as JsonSchema | undefined)?.content as Record<string, JsonSchema> | undefined;
  const json = body?.['application/json'];
  if (json) json.example = given.request ?? exampleOf(json.schema as JsonSchema, schemas);
  for (const [status, response] of Object.entries(operation.responses as Record<string, JsonSchema>)) {
    const media = (response.content as Record<string, JsonSchema> | undefined)?.['application/json'];
    if (status.startsWith('2') && media) media.example = given.response ?? exampleOf(media.schema as JsonSchema, schemas);
    const problem = (response.content as Record<string, JsonSchema> | undefined)?.['application/problem+json'];
    if (problem && !problem.example) problem.example = given.problem ?? Object.values(PROBLEM_EXAMPLES).find((example) => example.status === Number(status)) ?? PROBLEM_EXAMPLES.Problem;
  }
}
