import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { z } from 'zod';
import { filesUnder, readYamlDocuments } from './repository.js';

interface Validatable {
  validate(): void;
}

/**
 * The kinds k8s/ may hold, each checked against its Kubernetes JSON schema by kubernetes-models.
 * The cast is the point: the document is unknown until `validate()` has checked it.
 */
const MODELS: Readonly<Record<string, (document: unknown) => Validatable>> = {
  'v1/Namespace': (document) => new Namespace(document as ConstructorParameters<typeof Namespace>[0]),
  'v1/ConfigMap': (document) => new ConfigMap(document as ConstructorParameters<typeof ConfigMap>[0]),
  'v1/Secret': (document) => new Secret(document as ConstructorParameters<typeof Secret>[0]),
  'v1/Service': (document) => new Service(document as ConstructorParameters<typeof Service>[0]),
  'v1/ServiceAccount': (document) => new ServiceAccount(document as ConstructorParameters<typeof ServiceAccount>[0]),
  'v1/PersistentVolumeClaim': (document) => new PersistentVolumeClaim(document as ConstructorParameters<typeof PersistentVolumeClaim>[0]),
  'apps/v1/Deployment': (document) => new Deployment(document as ConstructorParameters<typeof Deployment>[0]),
  'apps/v1/StatefulSet': (document) => new StatefulSet(document as ConstructorParameters<typeof StatefulSet>[0]),
  'batch/v1/Job': (document) => new Job(document as ConstructorParameters<typeof Job>[0]),
  'autoscaling/v2/HorizontalPodAutoscaler': (document) => new HorizontalPodAutoscaler(document as ConstructorParameters<typeof HorizontalPodAutoscaler>[0]),
  'policy/v1/PodDisruptionBudget': (document) => new PodDisruptionBudget(document as ConstructorParameters<typeof PodDisruptionBudget>[0]),
  'networking.k8s.io/v1/NetworkPolicy': (document) => new NetworkPolicy(document as ConstructorParameters<typeof NetworkPolicy>[0]),
  'networking.k8s.io/v1/Ingress': (document) => new Ingress(document as ConstructorParameters<typeof Ingress>[0]),
};

/** Returns the model that validates a document of this apiVersion and kind, or undefined for a kind k8s/ should not hold. */
export function modelFor(apiVersion: string, kind: string): ((document: unknown) => Validatable) | undefined {
  return MODELS[`${apiVersion}/${kind}`];
}

const labels = z.record(z.string(), z.string());
const labelSelector = z.looseObject({
  matchLabels: labels.optional(),
  matchExpressions: z.array(z.looseObject({ key: z.string(), operator: z.string(), values: z.array(z.string()).optional() })).optional(),
});
export type LabelSelector = z.infer<typeof labelSelector>;

const port = z.union([z.number(), z.string()]);
const probe = z.looseObject({ httpGet: z.looseObject({ path: z.string().optional(), port }).optional() });
export type Probe = z.infer<typeof probe>;

const container = z.looseObject({
  name: z.string(),
  image: z.string(),
  args: z.array(z.string()).optional(),
  command: z.array(z.string()).optional(),
  env: z.array(z.looseObject({ name: z.string() })).optional(),
  envFrom: z.array(z.looseObject({ configMapRef: z.looseObject({ name: z.string() }).optional(), secretRef: z.looseObject({ name: z.string() }).optional() })).optional(),
  ports: z.array(z.looseObject({ name: z.string().optional(), containerPort: z.number() })).optional(),
  livenessProbe: probe.optional(),
  readinessProbe: probe.optional(),
  startupProbe: probe.optional(),
  resources: z.looseObject({ requests: z.record(z.string(), z.unknown()).optional(), limits: z.record(z.string(), z.unknown()).optional() }).optional(),
  securityContext: z.looseObject({ allowPrivilegeEscalation: z.boolean().optional() }).optional(),
});
export type Container = z.infer<typeof container>;

const podTemplate = z.looseObject({
  metadata: z.looseObject({ labels: labels.optional() }).optional(),
  spec: z.looseObject({
    containers: z.array(container),
    securityContext: z.looseObject({ runAsNonRoot: z.boolean().optional() }).optional(),
    volumes: z.array(z.looseObject({ name: z.string(), persistentVolumeClaim: z.looseObject({ claimName: z.string() }).optional() })).optional(),
  }),
});

const metadata = z.looseObject({ name: z.string(), namespace: z.string().optional(), labels: labels.optional() });

const manifest = z.looseObject({ apiVersion: z.string(), kind: z.string(), metadata });
export type Manifest = z.infer<typeof manifest>;

export const workloadSpec = z.looseObject({ replicas: z.number().optional(), selector: labelSelector.optional(), template: podTemplate });
export const serviceSpec = z.looseObject({ selector: labels.optional(), ports: z.array(z.looseObject({ name: z.string().optional(), port: z.number(), targetPort: port.optional() })) });
export const networkPolicySpec = z.looseObject({
  podSelector: labelSelector,
  policyTypes: z.array(z.string()).optional(),
  ingress: z
    .array(
      z.looseObject({
        from: z.array(z.looseObject({ podSelector: labelSelector.optional(), namespaceSelector: labelSelector.optional() })).optional(),
        ports: z.array(z.looseObject({ port: port.optional() })).optional(),
      }),
    )
    .optional(),
});
export const ingressSpec = z.looseObject({
  rules: z.array(
    z.looseObject({
      http: z.looseObject({ paths: z.array(z.looseObject({ backend: z.looseObject({ service: z.looseObject({ name: z.string(), port: z.looseObject({ name: z.string().optional(), number: z.number().optional() }) }) }) })) }),
    }),
  ),
});

export interface Document {
  readonly file: string;
  readonly raw: unknown;
  readonly manifest: Manifest;
}

/** Every document of every YAML file under k8s/ except kustomize's own file. */
export function readManifests(): Document[] {
  return filesUnder('k8s', ['.yaml', '.yml'])
    .filter((file) => !/kustomization\.ya?ml$/.test(file))
    .flatMap((file) => readYamlDocuments(file).map((raw) => ({ file, raw, manifest: manifest.parse(raw) })));
}

export function specOf<T extends z.ZodType>(document: Document, schema: T): z.infer<T> {
  return schema.parse((document.raw as { spec?: unknown }).spec);
}

export function dataKeysOf(document: Document): string[] {
  const { data, stringData } = z.looseObject({ data: z.record(z.string(), z.unknown()).optional(), stringData: z.record(z.string(), z.unknown()).optional() }).parse(document.raw);
  return [...Object.keys(data ?? {}), ...Object.keys(stringData ?? {})];
}

/** Whether a selector picks a pod with these labels (matchLabels and the In/NotIn/Exists/DoesNotExist expressions). */
export function selects(selector: LabelSelector, podLabels: Readonly<Record<string, string>>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => podLabels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const value = podLabels[key];
    if (operator === 'In') return value !== undefined && values.includes(value);
    if (operator === 'NotIn') return value === undefined || !values.includes(value);
    if (operator === 'Exists') return value !== undefined;
    if (operator === 'DoesNotExist') return value === undefined;
    return false;
  });
  return byLabels && byExpressions;
}
