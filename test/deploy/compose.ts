import { z } from 'zod';
import { readText, readYaml } from './repository.js';

const stringOrList = z.union([z.string(), z.array(z.string())]);

const healthcheck = z.looseObject({
  test: stringOrList.optional(),
  disable: z.boolean().optional(),
});

const service = z.looseObject({
  image: z.string().optional(),
  build: z.union([z.string(), z.looseObject({ context: z.string() })]).optional(),
  command: stringOrList.optional(),
  restart: z.string().optional(),
  stop_grace_period: z.string().optional(),
  environment: z.union([z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])), z.array(z.string())]).optional(),
  depends_on: z.union([z.array(z.string()), z.record(z.string(), z.looseObject({ condition: z.string().optional() }))]).optional(),
  volumes: z.array(z.union([z.string(), z.looseObject({ source: z.string().optional(), target: z.string() })])).optional(),
  networks: z.union([z.array(z.string()), z.record(z.string(), z.unknown())]).optional(),
  ports: z.array(z.union([z.string(), z.number(), z.looseObject({})])).optional(),
  healthcheck: healthcheck.optional(),
  deploy: z.looseObject({ replicas: z.number().optional() }).optional(),
});

export type ComposeService = z.infer<typeof service>;

const composeFile = z.looseObject({
  services: z.record(z.string(), service),
  volumes: z.record(z.string(), z.unknown().nullable()).optional(),
  networks: z.record(z.string(), z.unknown().nullable()).optional(),
});

export type ComposeFile = z.infer<typeof composeFile>;

export function readCompose(): ComposeFile {
  return composeFile.parse(readYaml('docker-compose.yml'));
}

/** The services that run our own image: the ones built from this repository. */
export function ourServices(compose: ComposeFile): Array<[string, ComposeService]> {
  return Object.entries(compose.services).filter(([, definition]) => definition.build !== undefined);
}

export function environmentOf(definition: ComposeService): Record<string, string> {
  const environment = definition.environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(environment.map((entry) => [entry.split('=')[0] ?? entry, entry.includes('=') ? entry.slice(entry.indexOf('=') + 1) : '']));
  }
  return Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, value === null ? '' : String(value)]));
}

export function dependenciesOf(definition: ComposeService): Record<string, string> {
  const dependsOn = definition.depends_on ?? [];
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(dependsOn).map(([name, entry]) => [name, entry.condition ?? 'service_started']));
}

export function networksOf(definition: ComposeService): string[] {
  const networks = definition.networks ?? [];
  return Array.isArray(networks) ? networks : Object.keys(networks);
}

/** `source:target[:mode]` or the long form; the source is a named volume unless it is a path. */
export function volumeSourcesOf(definition: ComposeService): string[] {
  return (definition.volumes ?? []).flatMap((volume) => {
    if (typeof volume === 'string') return volume.includes(':') ? [volume.slice(0, volume.indexOf(':'))] : [];
    return volume.source === undefined ? [] : [volume.source];
  });
}

export const isPath = (source: string) => source.startsWith('.') || source.startsWith('/') || source.startsWith('~');

/** One `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?message}` or `${NAME?message}`; `$${` is an escaped dollar. */
export interface Interpolation {
  readonly name: string;
  readonly kind: 'plain' | 'default' | 'required';
  readonly argument: string;
}

const INTERPOLATION = /(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g;

export function interpolationsIn(text: string): Interpolation[] {
  return [...text.matchAll(INTERPOLATION)].map((match) => ({
    name: match[1] ?? '',
    kind: match[2] === undefined ? 'plain' : match[2].endsWith('?') ? 'required' : 'default',
    argument: match[3] ?? '',
  }));
}

/** What compose would pass once it has read `variables` (from .env): defaults fill the gaps. */
export function interpolate(text: string, variables: Readonly<Record<string, string>>): string {
  return text
    .replace(INTERPOLATION, (_whole, name: string, operator: string | undefined, argument: string | undefined) => {
      const value = variables[name];
      const unsetOrEmpty = value === undefined || (operator?.startsWith(':') === true && value === '');
      if (operator?.endsWith('-') && unsetOrEmpty) return argument ?? '';
      return value ?? '';
    })
    .replaceAll('$$', '$');
}

/** KEY=value lines of .env.example, comments and blank lines left out. */
export function readEnvExample(): Record<string, string> {
  return Object.fromEntries(
    readText('.env.example')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}
