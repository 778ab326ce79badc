import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { parseSigningKeys } from '../../src/auth/signing-keys.js';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config/config.js';
import { parseMasterKeys } from '../../src/privacy/master-keys.js';
import type { Container, Document, Probe } from './kubernetes.js';
import { dataKeysOf, ingressSpec, modelFor, networkPolicySpec, readManifests, selects, serviceSpec, specOf, workloadSpec } from './kubernetes.js';
import { filesUnder, readYaml } from './repository.js';

const NAMESPACE = 'itsm';
const DATABASES = ['postgres', 'redis', 'kurrentdb', 'meilisearch'];

const documents = readManifests();
const ofKind = (kind: string) => documents.filter((document) => document.manifest.kind === kind);
const named = (kind: string, name: string) => ofKind(kind).find((document) => document.manifest.metadata.name === name);
const workloads = [...ofKind('Deployment'), ...ofKind('StatefulSet'), ...ofKind('Job')].map((document) => ({ document, spec: specOf(document, workloadSpec) }));
const podsOf = (kinds: readonly string[]) => workloads.filter(({ document }) => kinds.includes(document.manifest.kind));
const ourContainers = workloads.flatMap(({ document, spec }) => spec.template.spec.containers.filter((container) => container.image.startsWith('itsm:')).map((container) => ({ document, spec, container })));
const portNumber = (container: Container, port: number | string) => (typeof port === 'number' ? port : container.ports?.find((entry) => entry.name === port)?.containerPort);

const schemas = suite('k8s: manifests against the Kubernetes schemas');

schemas('every document is a kind we expect and validates with kubernetes-models', () => {
  assert.ok(documents.length > 20, `only ${documents.length} documents under k8s/`);
  for (const { file, raw, manifest } of documents) {
    const model = modelFor(manifest.apiVersion, manifest.kind);
    assert.ok(model, `${file}: ${manifest.apiVersion} ${manifest.kind} is not a kind this test knows how to validate`);
    try {
      model(raw).validate();
    } catch (error) {
      assert.unreachable(`${file}: ${manifest.kind} ${manifest.metadata.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
});

schemas('the validation is real: a Deployment with a string containerPort and no selector is refused', () => {
  const model = modelFor('apps/v1', 'Deployment');
  assert.ok(model);
  const broken = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'broken' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'x:1', ports: [{ containerPort: 'http' }] }] } } } };
  assert.throws(() => model(broken).validate());
});

schemas('kustomization.yaml lists exactly the files under k8s/', () => {
  const { resources } = z.looseObject({ resources: z.array(z.string()) }).parse(readYaml('k8s/kustomization.yaml'));
  const files = filesUnder('k8s', ['.yaml', '.yml']).filter((file) => !/kustomization\.ya?ml$/.test(file)).map((file) => file.replace(/^k8s\//, ''));
  assert.equal([...resources].sort(), files);
});

schemas('everything lives in the itsm namespace, which is defined', () => {
  assert.ok(named('Namespace', NAMESPACE));
  for (const { file, manifest } of documents) {
    if (manifest.kind !== 'Namespace') assert.is(manifest.metadata.namespace, NAMESPACE, `${file}: ${manifest.kind} ${manifest.metadata.name}`);
  }
});

const pods = suite('k8s: workloads');

pods('the Deployments run the API, projector and scheduler, and a Job runs the migration, all from our image', () => {
  const commandsOf = (kind: string) => ourContainers.filter(({ document }) => document.manifest.kind === kind).map(({ container }) => container.args?.[0]);
  assert.equal(commandsOf('Deployment').sort(), ['project', 'schedule', 'serve']);
  assert.equal(commandsOf('Job'), ['migrate']);
});

pods('every selector picks its own pod template, and every container has resource requests and limits', () => {
  for (const { document, spec } of workloads) {
    const name = `${document.manifest.kind} ${document.manifest.metadata.name}`;
    if (document.manifest.kind !== 'Job') assert.ok(spec.selector && selects(spec.selector, spec.template.metadata?.labels ?? {}), `${name}: the selector misses the pod template`);
    for (const container of spec.template.spec.containers) {
      assert.ok(container.resources?.requests?.cpu && container.resources.requests.memory, `${name}/${container.name}: no cpu and memory requests`);
      assert.ok(container.resources.limits?.memory, `${name}/${container.name}: no memory limit`);
      assert.is(container.securityContext?.allowPrivilegeEscalation, false, `${name}/${container.name}`);
    }
  }
});

pods('images are pinned to versions; our pods run as non-root', () => {
  for (const { document, spec } of workloads) {
    for (const { image } of spec.template.spec.containers) {
      const tag = image.slice(image.lastIndexOf(':') + 1);
      assert.ok(image.lastIndexOf(':') > image.lastIndexOf('/') && /\d/.test(tag) && !tag.includes('latest'), `${document.manifest.metadata.name}: ${image} is not pinned`);
    }
  }
  for (const { document, spec } of ourContainers) assert.is(spec.template.spec.securityContext?.runAsNonRoot, true, document.manifest.metadata.name);
});

pods('the API probes /healthz for liveness and /readyz for readiness on the port it listens on', () => {
  const api = ourContainers.filter(({ container }) => container.args?.[0] === 'serve');
  assert.is(api.length, 1);
  const configMap = named('ConfigMap', 'itsm-config');
  assert.ok(configMap);
  const { data } = z.looseObject({ data: z.record(z.string(), z.string()) }).parse(configMap.raw);
  const listening = Number(data.PORT ?? '3000');
  for (const { container } of api) {
    const check = (probe: Probe | undefined, path: string, what: string) => {
      assert.ok(probe?.httpGet, `${what}: no httpGet probe`);
      assert.is(probe.httpGet.path, path, what);
      assert.is(portNumber(container, probe.httpGet.port), listening, `${what}: probes a port the API does not listen on`);
    };
    check(container.livenessProbe, '/healthz', 'liveness');
    check(container.readinessProbe, '/readyz', 'readiness');
    if (container.startupProbe) check(container.startupProbe, '/healthz', 'startup');
  }
});

pods('every PersistentVolumeClaim a pod mounts is defined', () => {
  for (const { document, spec } of workloads) {
    for (const volume of spec.template.spec.volumes ?? []) {
      if (volume.persistentVolumeClaim) assert.ok(named('PersistentVolumeClaim', volume.persistentVolumeClaim.claimName), `${document.manifest.metadata.name}: claim ${volume.persistentVolumeClaim.claimName}`);
    }
  }
});

const settings = suite('k8s: configuration');

settings('our containers take their settings from a ConfigMap and a Secret that exist, holding only variables the config reads', () => {
  for (const { document, container } of ourContainers) {
    const where = `${document.manifest.metadata.name}/${container.name}`;
    assert.ok((container.envFrom ?? []).length > 0, `${where}: no envFrom`);
    for (const source of container.envFrom ?? []) {
      const reference = source.configMapRef ? named('ConfigMap', source.configMapRef.name) : source.secretRef ? named('Secret', source.secretRef.name) : undefined;
      assert.ok(reference, `${where}: envFrom names a ConfigMap or Secret that is not defined`);
      for (const key of dataKeysOf(reference)) assert.ok(CONFIG_VARIABLES.includes(key), `${reference.manifest.kind} ${reference.manifest.metadata.name}: ${key} is not a variable src/config/config.ts reads`);
    }
    for (const { name } of container.env ?? []) assert.ok(CONFIG_VARIABLES.includes(name), `${where}: ${name} is not a config variable`);
  }
});

settings('the ConfigMap and Secret together make a configuration the process accepts, on the production adapters', () => {
  const values = (document: Document | undefined) => z.looseObject({ data: z.record(z.string(), z.string()).optional(), stringData: z.record(z.string(), z.string()).optional() }).parse(document?.raw ?? {});
  const configMap = values(named('ConfigMap', 'itsm-config'));
  const secret = values(named('Secret', 'itsm-secrets'));
  const config = loadConfig({ ...configMap.data, ...secret.stringData });
  assert.is(config.http.host, '0.0.0.0');
  assert.is(config.database.kind, 'postgres');
  assert.is(config.eventStore.kind, 'esdb');
  assert.is(config.volatile.kind, 'redis');
  assert.is(config.search.kind, 'meilisearch');
});

/** Without these, each pod would write its own key file into its own data directory. */
const SHARED_KEY_RINGS = { AUTH_SIGNING_KEYS: parseSigningKeys, PERSONAL_DATA_MASTER_KEYS: parseMasterKeys };

settings('the key rings every pod must share are in the Secret, and their placeholders are refused so no one runs on a published key', () => {
  const { stringData } = z.looseObject({ stringData: z.record(z.string(), z.string()) }).parse(named('Secret', 'itsm-secrets')?.raw);
  for (const [name, parse] of Object.entries(SHARED_KEY_RINGS)) {
    assert.ok(CONFIG_VARIABLES.includes(name), `${name} is no longer a config variable`);
    const placeholder = stringData[name];
    assert.ok(placeholder, `itsm-secrets has no ${name}`);
    assert.throws(() => parse(placeholder), /at least 32/, name);
  }
});

settings('pods get longer to stop than the API takes to drain', () => {
  const configMap = named('ConfigMap', 'itsm-config');
  const { data } = z.looseObject({ data: z.record(z.string(), z.string()) }).parse(configMap?.raw);
  const drainMs = loadConfig(data).edge.shutdownGraceMs;
  for (const { document, spec } of podsOf(['Deployment'])) {
    const { terminationGracePeriodSeconds = 30 } = z.looseObject({ terminationGracePeriodSeconds: z.number().optional() }).parse(spec.template.spec);
    assert.ok(terminationGracePeriodSeconds * 1000 >= drainMs + 10_000, `${document.manifest.metadata.name}: ${terminationGracePeriodSeconds} s leaves no room for a ${drainMs} ms drain and the preStop pause`);
  }
});

const wiring = suite('k8s: services, scaling, ingress');

wiring('every Service selects pods that exist, on a port those pods declare', () => {
  for (const document of ofKind('Service')) {
    const spec = specOf(document, serviceSpec);
    const selected = podsOf(['Deployment', 'StatefulSet']).filter(({ spec: pod }) => spec.selector && selects({ matchLabels: spec.selector }, pod.template.metadata?.labels ?? {}));
    assert.ok(selected.length > 0, `Service ${document.manifest.metadata.name} selects no pod`);
    for (const port of spec.ports) {
      for (const { spec: pod } of selected) {
        const target = port.targetPort ?? port.port;
        assert.ok(pod.template.spec.containers.some((container) => portNumber(container, target) !== undefined && (typeof target === 'string' || container.ports?.some((entry) => entry.containerPort === target))), `Service ${document.manifest.metadata.name}: target port ${target} is not declared by the pods`);
      }
    }
  }
});

wiring('the API has an autoscaler from two replicas; every Deployment has a disruption budget that selects it', () => {
  const hpa = z.looseObject({ scaleTargetRef: z.looseObject({ kind: z.string(), name: z.string() }), minReplicas: z.number() });
  const autoscalers = ofKind('HorizontalPodAutoscaler').map((document) => specOf(document, hpa));
  for (const { scaleTargetRef } of autoscalers) assert.ok(named(scaleTargetRef.kind, scaleTargetRef.name), `the autoscaler targets ${scaleTargetRef.kind} ${scaleTargetRef.name}, which is not defined`);
  const api = ourContainers.find(({ container }) => container.args?.[0] === 'serve');
  assert.ok(api);
  assert.ok(autoscalers.some(({ scaleTargetRef, minReplicas }) => scaleTargetRef.name === api.document.manifest.metadata.name && minReplicas >= 2), 'no autoscaler for the API');

  const budgets = ofKind('PodDisruptionBudget').map((document) => specOf(document, z.looseObject({ selector: z.looseObject({ matchLabels: z.record(z.string(), z.string()).optional() }) })));
  for (const { document, spec } of podsOf(['Deployment'])) {
    assert.ok(budgets.some(({ selector }) => selects(selector, spec.template.metadata?.labels ?? {})), `Deployment ${document.manifest.metadata.name} has no PodDisruptionBudget`);
  }
});

wiring('the Ingress sends traffic to the API Service, on a port it has', () => {
  const ingresses = ofKind('Ingress');
  assert.is(ingresses.length, 1);
  for (const document of ingresses) {
    for (const rule of specOf(document, ingressSpec).rules) {
      for (const { backend } of rule.http.paths) {
        const service = named('Service', backend.service.name);
        assert.ok(service, `the Ingress points at Service ${backend.service.name}, which is not defined`);
        const spec = specOf(service, serviceSpec);
        assert.ok(spec.ports.some((port) => port.name === backend.service.port.name || port.port === backend.service.port.number), 'the Ingress names a port the Service lacks');
        const selected = podsOf(['Deployment']).filter(({ spec: pod }) => selects({ matchLabels: spec.selector ?? {} }, pod.template.metadata?.labels ?? {}));
        assert.equal(selected.map(({ spec: pod }) => pod.template.spec.containers[0]?.args?.[0]), ['serve'], 'the Ingress must reach the API and nothing else');
      }
    }
  }
});

const network = suite('k8s: network policies');

const policies = ofKind('NetworkPolicy').map((document) => ({ name: document.manifest.metadata.name, spec: specOf(document, networkPolicySpec) }));
const labelsOf = (kind: string, predicate: (labels: Record<string, string>) => boolean) =>
  podsOf([kind]).map(({ spec }) => spec.template.metadata?.labels ?? {}).filter(predicate);
const ourPodLabels = ourContainers.map(({ spec }) => spec.template.metadata?.labels ?? {});

network('ingress is denied by default in the namespace', () => {
  assert.ok(policies.some(({ spec }) => Object.keys(spec.podSelector).length === 0 && spec.policyTypes?.includes('Ingress') && (spec.ingress ?? []).length === 0), 'no default-deny policy');
});

network('only our own pods may reach each database', () => {
  for (const database of DATABASES) {
    const [podLabels] = labelsOf('StatefulSet', (labels) => labels['app.kubernetes.io/component'] === database);
    assert.ok(podLabels, `no ${database} StatefulSet`);
    const covering = policies.filter(({ spec }) => Object.keys(spec.podSelector).length > 0 && selects(spec.podSelector, podLabels));
    assert.ok(covering.length > 0, `no NetworkPolicy covers ${database}`);
    for (const { name, spec } of covering) {
      for (const rule of spec.ingress ?? []) {
        assert.ok((rule.from ?? []).length > 0, `${name}: a rule without "from" admits everyone`);
        for (const peer of rule.from ?? []) {
          assert.is(peer.namespaceSelector, undefined, `${name}: admits pods of other namespaces`);
          assert.ok(peer.podSelector && Object.keys(peer.podSelector).length > 0, `${name}: admits every pod`);
          const admitted = workloads.map(({ spec: pod }) => pod.template.metadata?.labels ?? {}).filter((labels) => peer.podSelector && selects(peer.podSelector, labels));
          for (const labels of admitted) assert.ok(ourPodLabels.some((ours) => JSON.stringify(ours) === JSON.stringify(labels)), `${name}: admits ${JSON.stringify(labels)}`);
          assert.ok(admitted.length > 0, `${name}: admits no pod at all`);
        }
      }
    }
  }
});

network('from outside the namespace, only the API is reachable', () => {
  const api = ourContainers.find(({ container }) => container.args?.[0] === 'serve');
  assert.ok(api);
  const apiLabels = api.spec.template.metadata?.labels ?? {};
  const fromOutside = policies.filter(({ spec }) => (spec.ingress ?? []).some((rule) => (rule.from ?? []).some((peer) => peer.namespaceSelector !== undefined)));
  assert.ok(fromOutside.some(({ spec }) => selects(spec.podSelector, apiLabels)), 'nothing admits the ingress controller to the API');
  for (const { name, spec } of fromOutside) {
    for (const { spec: pod, document } of workloads) {
      const labels = pod.template.metadata?.labels ?? {};
      if (JSON.stringify(labels) !== JSON.stringify(apiLabels)) assert.not.ok(selects(spec.podSelector, labels), `${name} admits other namespaces to ${document.manifest.metadata.name}`);
    }
  }
});

schemas.run();
pods.run();
settings.run();
wiring.run();
network.run();
