// The one resource table that discovery, routing and the store all read.
// Entries copy the real 1.32+ discovery documents (kubernetes api/discovery/*.json),
// so kubectl's shortnames, categories and verbs behave as against a real cluster.

export interface SubresourceDef {
  name: string;
  kind: string;
  verbs: readonly string[];
  /** Set when the subresource answers with a kind of another group (e.g. autoscaling Scale). */
  group?: string;
  version?: string;
}

export interface ResourceDef {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural, as in URLs. */
  name: string;
  singularName: string;
  kind: string;
  namespaced: boolean;
  verbs: readonly string[];
  shortNames?: readonly string[];
  categories?: readonly string[];
  storageVersionHash?: string;
  subresources?: readonly SubresourceDef[];
  /** Field selector labels besides metadata.name and metadata.namespace. */
  fieldLabels?: readonly string[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
const STATUS_VERBS = ['get', 'patch', 'update'] as const;
const PROXY_VERBS = ['create', 'delete', 'get', 'patch', 'update'] as const;

function status(kind: string): SubresourceDef {
  return { name: 'status', kind, verbs: STATUS_VERBS };
}

function scale(): SubresourceDef {
  return { name: 'scale', kind: 'Scale', verbs: STATUS_VERBS, group: 'autoscaling', version: 'v1' };
}

export const RESOURCES: readonly ResourceDef[] = [
  { group: '', version: 'v1', name: 'configmaps', singularName: 'configmap', kind: 'ConfigMap', namespaced: true, verbs: ALL_VERBS, shortNames: ['cm'], storageVersionHash: 'qFsyl6wFWjQ=' },
  {
    group: '', version: 'v1', name: 'namespaces', singularName: 'namespace', kind: 'Namespace', namespaced: false,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ns'], storageVersionHash: 'Q3oi5N2YM8M=',
    subresources: [{ name: 'finalize', kind: 'Namespace', verbs: ['update'] }, status('Namespace')],
    fieldLabels: ['status.phase'],
  },
  {
    group: '', version: 'v1', name: 'nodes', singularName: 'node', kind: 'Node', namespaced: false, verbs: ALL_VERBS,
    shortNames: ['no'], storageVersionHash: 'XwShjMxG9Fs=',
    subresources: [{ name: 'proxy', kind: 'NodeProxyOptions', verbs: PROXY_VERBS }, status('Node')],
    fieldLabels: ['spec.unschedulable'],
  },
  {
    group: '', version: 'v1', name: 'pods', singularName: 'pod', kind: 'Pod', namespaced: true, verbs: ALL_VERBS,
    shortNames: ['po'], categories: ['all'], storageVersionHash: 'xPOwRZ+Yhw8=',
    subresources: [
      { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'ephemeralcontainers', kind: 'Pod', verbs: STATUS_VERBS },
      { name: 'eviction', kind: 'Eviction', verbs: ['create'], group: 'policy', version: 'v1' },
      { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      { name: 'proxy', kind: 'PodProxyOptions', verbs: PROXY_VERBS },
      { name: 'resize', kind: 'Pod', verbs: STATUS_VERBS },
      status('Pod'),
    ],
    fieldLabels: [
      'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork',
      'status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName',
    ],
  },
  { group: '', version: 'v1', name: 'secrets', singularName: 'secret', kind: 'Secret', namespaced: true, verbs: ALL_VERBS, storageVersionHash: 'S6u1pOWzb84=', fieldLabels: ['type'] },
  {
    group: '', version: 'v1', name: 'serviceaccounts', singularName: 'serviceaccount', kind: 'ServiceAccount', namespaced: true,
    verbs: ALL_VERBS, shortNames: ['sa'], storageVersionHash: 'pbx9ZvyFpBE=',
    subresources: [{ name: 'token', kind: 'TokenRequest', verbs: ['create'], group: 'authentication.k8s.io', version: 'v1' }],
  },
  {
    group: '', version: 'v1', name: 'services', singularName: 'service', kind: 'Service', namespaced: true, verbs: ALL_VERBS,
    shortNames: ['svc'], categories: ['all'], storageVersionHash: '0/CO1lhkEBI=',
    subresources: [{ name: 'proxy', kind: 'ServiceProxyOptions', verbs: PROXY_VERBS }, status('Service')],
    fieldLabels: ['spec.clusterIP', 'spec.type'],
  },
  {
    group: 'apps', version: 'v1', name: 'deployments', singularName: 'deployment', kind: 'Deployment', namespaced: true,
    verbs: ALL_VERBS, shortNames: ['deploy'], categories: ['all'], storageVersionHash: '8aSe+NMegvE=',
    subresources: [scale(), status('Deployment')],
  },
  {
    group: 'apps', version: 'v1', name: 'replicasets', singularName: 'replicaset', kind: 'ReplicaSet', namespaced: true,
    verbs: ALL_VERBS, shortNames: ['rs'], categories: ['all'], storageVersionHash: 'P1RzHs8/mWQ=',
    subresources: [scale(), status('ReplicaSet')],
    fieldLabels: ['status.replicas'],
  },
];

/** `v1` or `apps/v1`, as in apiVersion fields. */
export function groupVersionOf(def: { group: string; version: string }): string {
  return def.group === '' ? def.version : `${def.group}/${def.version}`;
}

/** Finds a resource by URL coordinates. */
export function findResource(group: string, version: string, plural: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.name === plural);
}

/** Finds a resource by plural, singular, short name or kind, for the test-facing helpers. */
export function resolveResource(nameOrKind: string): ResourceDef | undefined {
  const lower = nameOrKind.toLowerCase();
  return RESOURCES.find(
    (r) => r.name === lower || r.singularName === lower || r.kind.toLowerCase() === lower || r.shortNames?.includes(lower),
  );
}

/** Finds the resource an object belongs to from its apiVersion and kind. */
export function resourceForObject(apiVersion: string | undefined, kind: string | undefined): ResourceDef | undefined {
  return RESOURCES.find((r) => r.kind === kind && (apiVersion === undefined || groupVersionOf(r) === apiVersion));
}

/** The API groups other than core, in table order, each with its versions. */
export function apiGroups(): Array<{ name: string; versions: string[] }> {
  const groups: Array<{ name: string; versions: string[] }> = [];
  for (const r of RESOURCES) {
    if (r.group === '') continue;
    let g = groups.find((x) => x.name === r.group);
    if (!g) groups.push((g = { name: r.group, versions: [] }));
    if (!g.versions.includes(r.version)) g.versions.push(r.version);
  }
  return groups;
}

/** `pods` for core, `deployments.apps` otherwise, as in NotFound messages. */
export function qualifiedName(def: ResourceDef): string {
  return def.group === '' ? def.name : `${def.name}.${def.group}`;
}
