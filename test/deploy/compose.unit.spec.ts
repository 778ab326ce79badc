import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { CONFIG_VARIABLES, loadConfig, REQUIRED_CONFIG_VARIABLES } from '../../src/config/config.js';
import type { ComposeService } from './compose.js';
import { dependenciesOf, environmentOf, interpolate, interpolationsIn, isPath, networksOf, ourServices, readCompose, readEnvExample, volumeSourcesOf } from './compose.js';
import { exists, readText } from './repository.js';

/** Without these a production-like stack silently falls back to the embedded adapters or listens on loopback only. */
const NEEDED_IN_COMPOSE = ['HOST', 'PORT', 'DATA_DIR', 'DATABASE_URL', 'REDIS_URL', 'EVENTSTORE_URL', 'MEILI_URL', 'MEILI_KEY'];
const COMMANDS = ['migrate', 'serve', 'project', 'schedule'];

const compose = readCompose();
const services = Object.entries(compose.services);
const ours = ourServices(compose);

const references = suite('docker-compose.yml: references');

references('every depends_on names a defined service', () => {
  for (const [name, definition] of services) {
    for (const dependency of Object.keys(dependenciesOf(definition))) {
      assert.ok(compose.services[dependency], `${name} depends on "${dependency}", which is not a service`);
    }
  }
});

references('every named volume is declared, every bind-mounted file exists in the repository', () => {
  const declared = Object.keys(compose.volumes ?? {});
  for (const [name, definition] of services) {
    for (const source of volumeSourcesOf(definition)) {
      if (isPath(source)) assert.ok(exists(source), `${name} mounts ${source}, which is not in the repository`);
      else assert.ok(declared.includes(source), `${name} mounts volume "${source}", which is not declared under volumes:`);
    }
  }
});

references('every network is declared', () => {
  const declared = Object.keys(compose.networks ?? {});
  for (const [name, definition] of services) {
    for (const network of networksOf(definition)) assert.ok(declared.includes(network), `${name} joins network "${network}", which is not declared`);
  }
});

references('every ${VARIABLE} has a default, or is required and given in .env.example; .env.example has nothing unused', () => {
  const text = readText('docker-compose.yml');
  const example = readEnvExample();
  const used = interpolationsIn(text);
  for (const { name, kind } of used) {
    assert.ok(kind !== 'plain' || name in example, `\${${name}} has no default and is not in .env.example`);
    if (kind === 'required') assert.ok(example[name], `\${${name}} is required but .env.example gives no value`);
  }
  const usedNames = new Set(used.map(({ name }) => name));
  for (const name of Object.keys(example)) assert.ok(usedNames.has(name), `.env.example sets ${name}, which docker-compose.yml never uses`);
});

const ourProcesses = suite('docker-compose.yml: the itsm services');

ourProcesses('the stack runs the API, projector, scheduler and a one-shot migration from our image', () => {
  const commands = ours.map(([, definition]) => [definition.command ?? []].flat()[0]);
  for (const command of COMMANDS) assert.ok(commands.includes(command), `no service runs "itsm ${command}"`);
});

ourProcesses('every environment variable set is one the config reads, and the ones the stack needs are set', () => {
  for (const [name, definition] of ours) {
    const names = Object.keys(environmentOf(definition));
    for (const variable of names) assert.ok(CONFIG_VARIABLES.includes(variable), `${name} sets ${variable}, which src/config/config.ts does not read`);
    for (const variable of [...REQUIRED_CONFIG_VARIABLES, ...NEEDED_IN_COMPOSE]) assert.ok(names.includes(variable), `${name} does not set ${variable}`);
  }
});

ourProcesses('with the values of .env.example, every itsm service has a configuration the process accepts', () => {
  const example = readEnvExample();
  for (const [name, definition] of ours) {
    const environment = Object.fromEntries(Object.entries(environmentOf(definition)).map(([variable, value]) => [variable, interpolate(value, example)]));
    const config = loadConfig(environment);
    assert.is(config.http.host, '0.0.0.0', `${name} must listen on every interface to be reachable from other containers`);
    assert.is(config.database.kind, 'postgres', name);
    assert.is(config.eventStore.kind, 'esdb', name);
    assert.is(config.volatile.kind, 'redis', name);
    assert.is(config.search.kind, 'meilisearch', name);
  }
});

ourProcesses('compose waits longer than the processes take to drain before it kills them', () => {
  const example = readEnvExample();
  for (const [name, definition] of ours) {
    const environment = Object.fromEntries(Object.entries(environmentOf(definition)).map(([variable, value]) => [variable, interpolate(value, example)]));
    const drainMs = loadConfig(environment).edge.shutdownGraceMs;
    const grace = /^(\d+)s$/.exec(String(definition.stop_grace_period ?? '10s'));
    assert.ok(grace?.[1] && Number(grace[1]) * 1000 > drainMs, `${name}: stop_grace_period ${String(definition.stop_grace_period)} is shorter than the ${drainMs} ms drain`);
  }
});

ourProcesses('the API runs two replicas; everything else waits for the migration to succeed', () => {
  assert.is(compose.services.api?.deploy?.replicas, 2);
  for (const [name, definition] of ours) {
    if ([definition.command ?? []].flat()[0] === 'migrate') continue;
    assert.is(dependenciesOf(definition).migrate, 'service_completed_successfully', name);
  }
});

ourProcesses('the API and the workers share one data volume (signing-key file, blobs)', () => {
  const volumesOf = (definition: ComposeService) => volumeSourcesOf(definition).filter((source) => !isPath(source)).sort();
  const [first, ...rest] = ours.map(([, definition]) => volumesOf(definition));
  assert.ok(first && first.length > 0);
  for (const volumes of rest) assert.equal(volumes, first);
});

const health = suite('docker-compose.yml: health and images');

health('every long-running service has a health check; only one-shots others wait on may go without', () => {
  const awaitedToFinish = new Set(services.flatMap(([, definition]) => Object.entries(dependenciesOf(definition)).filter(([, condition]) => condition === 'service_completed_successfully').map(([name]) => name)));
  for (const [name, definition] of services) {
    const check = definition.healthcheck;
    assert.ok(check, `${name} has no healthcheck`);
    if (check.disable === true) {
      assert.ok(awaitedToFinish.has(name) && definition.restart === 'no', `${name} disables its health check but is not a one-shot`);
    } else {
      assert.ok(check.test && [check.test].flat().length > 1, `${name}: the health check has no command`);
    }
  }
});

health('images are pinned to a version (no :latest, no bare name)', () => {
  for (const [name, definition] of services) {
    const image = definition.image;
    assert.ok(image, `${name} has no image`);
    const tag = image.includes('@') ? image.slice(image.indexOf('@') + 1) : image.slice(image.lastIndexOf(':') + 1);
    assert.ok(image.lastIndexOf(':') > image.lastIndexOf('/'), `${name}: ${image} has no tag`);
    assert.not.match(tag, /latest/, `${name}: ${image}`);
    assert.match(tag, /\d/, `${name}: ${image} is not pinned to a version`);
  }
});

health('the databases publish no port to the host', () => {
  for (const name of ['postgres', 'redis', 'kurrentdb', 'meilisearch']) {
    assert.ok(compose.services[name], `no ${name} service`);
    assert.is(compose.services[name]?.ports, undefined, `${name} publishes a port`);
  }
});

references.run();
ourProcesses.run();
health.run();
