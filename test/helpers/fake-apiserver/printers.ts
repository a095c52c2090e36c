// Server-side printers: the column definitions kube-apiserver registers per kind
// (pkg/printers/internalversion) and the cells it fills, for the kinds the fake stores.
// Descriptions are the generated swagger docs they point at.
import { translateTimestampSince } from './duration.ts';
import { podCells, podConditions, type PodLike, type RowCondition } from './print-pod.ts';
import type { K8sObject } from './types.ts';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface Printer {
  columns: ColumnDefinition[];
  cells(obj: K8sObject, now: number): unknown[];
  conditions?(obj: K8sObject): RowCondition[] | undefined;
}

const D = {
  name: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  created: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
  podIP: 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
  nodeName: 'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename',
  nominated: 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.',
  gates: 'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates',
  svcType: 'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is "None", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. "NodePort" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. "LoadBalancer" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. "ExternalName" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
  clusterIP: 'clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are "None", empty string (""), or a valid IP address. Setting this to "None" makes a "headless service" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
  externalIPs: 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.',
  ports: 'The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
  svcSelector: 'Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/',
  cmData: "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
  secretType: 'Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types',
  secretData: "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4",
  saSecrets: 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". The "kubernetes.io/enforce-mountable-secrets" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret',
  kubeletVersion: 'Kubelet Version reported by the node.',
  addresses: "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).",
  osImage: 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
  kernel: "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
  runtime: 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
  updated: 'Total number of non-terminating pods targeted by this deployment that have the desired template spec.',
  available: 'Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.',
  deploySelector: 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
  rsDesired: 'Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset',
  rsCurrent: 'Replicas is the most recently observed number of non-terminating pods. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset',
  rsReady: 'The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.',
  rsSelector: 'Selector is a label query over pods that should match the replica count. If the selector is empty, it is defaulted to the labels present on the pod template. Label keys and values that must match in order to be controlled by this replica set. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
  containers: 'Names of each container in the template.',
  images: 'Images referenced by each container in the template.',
};

function col(name: string, description: string, opts: { type?: string; format?: string; priority?: number } = {}): ColumnDefinition {
  return { name, type: opts.type ?? 'string', format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

const NAME = col('Name', D.name, { format: 'name' });
const AGE = col('Age', D.created);
const wide = (name: string, description: string): ColumnDefinition => col(name, description, { priority: 1 });

/** Reads a nested field without caring about types the fake does not model. */
type Loose = any;
const loose = (obj: K8sObject): Loose => obj;

/** labels.FormatLabels: sorted k=v pairs, `<none>` when empty. */
function formatLabels(m: Record<string, string> | undefined): string {
  const keys = Object.keys(m ?? {}).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${m?.[k]}`).join(',');
}

/** LabelSelectorAsSelector(...).String() for the matchLabels/matchExpressions kubectl writes. */
function selectorString(sel: Loose): string {
  if (!sel) return '';
  const parts: Array<[string, string]> = Object.entries((sel.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => [k, `${k}=${v}`]);
  for (const e of (sel.matchExpressions ?? []) as Array<{ key: string; operator: string; values?: string[] }>) {
    const values = [...(e.values ?? [])].sort().join(',');
    const text: Record<string, string> = { In: `${e.key} in (${values})`, NotIn: `${e.key} notin (${values})`, Exists: e.key, DoesNotExist: `!${e.key}` };
    parts.push([e.key, text[e.operator] ?? e.key]);
  }
  return parts.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s).join(',');
}

function containerCells(containers: Array<{ name: string; image?: string }> | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name).join(','), list.map((c) => c.image ?? '').join(',')];
}

function serviceExternalIP(spec: Loose, status: Loose): string {
  const external: string[] = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = ((status?.loadBalancer?.ingress ?? []) as Array<{ ip?: string; hostname?: string }>).map((i) => i.ip || i.hostname || '').filter((s) => s !== '');
      const all = [...lb, ...external];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
  }
  return '<unknown>';
}

function portString(ports: Array<{ port: number; nodePort?: number; protocol?: string }> | undefined): string {
  const s = (ports ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`)).join(',');
  return s === '' ? '<none>' : s;
}

function nodeStatus(o: Loose): string {
  const ready = ((o.status?.conditions ?? []) as Array<{ type: string; status: string }>).find((c) => c.type === 'Ready');
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (o.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeRoles(labels: Record<string, string> | undefined): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

function nodeAddress(o: Loose, type: string): string {
  return ((o.status?.addresses ?? []) as Array<{ type: string; address: string }>).find((a) => a.type === type)?.address ?? '<none>';
}

const age = (o: K8sObject, now: number): string => translateTimestampSince(o.metadata.creationTimestamp, now);
const count = (m: unknown): number => Object.keys(m ?? {}).length;

const PRINTERS: Record<string, Printer> = {
  Pod: {
    columns: [
      NAME,
      col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
      col('Status', 'The aggregate status of the containers in this pod.'),
      col('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
      AGE, wide('IP', D.podIP), wide('Node', D.nodeName), wide('Nominated Node', D.nominated), wide('Readiness Gates', D.gates),
    ],
    cells: (o, now) => podCells(o as unknown as PodLike, now),
    conditions: (o) => podConditions(o as unknown as PodLike),
  },
  Service: {
    columns: [NAME, col('Type', D.svcType), col('Cluster-IP', D.clusterIP), col('External-IP', D.externalIPs), col('Port(s)', D.ports), AGE, wide('Selector', D.svcSelector)],
    cells: (o, now) => {
      const { spec = {}, status } = loose(o);
      return [o.metadata.name, spec.type, spec.clusterIPs?.[0] ?? '<none>', serviceExternalIP(spec, status), portString(spec.ports), age(o, now), formatLabels(spec.selector)];
    },
  },
  Namespace: {
    columns: [NAME, col('Status', 'The status of the namespace'), AGE],
    cells: (o, now) => [o.metadata.name, loose(o).status?.phase ?? '', age(o, now)],
  },
  ConfigMap: {
    columns: [NAME, col('Data', D.cmData), AGE],
    cells: (o, now) => [o.metadata.name, count(loose(o).data) + count(loose(o).binaryData), age(o, now)],
  },
  Secret: {
    columns: [NAME, col('Type', D.secretType), col('Data', D.secretData), AGE],
    cells: (o, now) => [o.metadata.name, loose(o).type ?? '', count(loose(o).data), age(o, now)],
  },
  ServiceAccount: {
    columns: [NAME, col('Secrets', D.saSecrets), AGE],
    cells: (o, now) => [o.metadata.name, (loose(o).secrets ?? []).length, age(o, now)],
  },
  Node: {
    columns: [
      NAME, col('Status', 'The status of the node'), col('Roles', 'The roles of the node'), AGE, col('Version', D.kubeletVersion),
      wide('Internal-IP', D.addresses), wide('External-IP', D.addresses), wide('OS-Image', D.osImage), wide('Kernel-Version', D.kernel), wide('Container-Runtime', D.runtime),
    ],
    cells: (o, now) => {
      const info = loose(o).status?.nodeInfo ?? {};
      return [
        o.metadata.name, nodeStatus(o), nodeRoles(o.metadata.labels), age(o, now), info.kubeletVersion ?? '',
        nodeAddress(o, 'InternalIP'), nodeAddress(o, 'ExternalIP'), info.osImage || '<unknown>', info.kernelVersion || '<unknown>', info.containerRuntimeVersion || '<unknown>',
      ];
    },
  },
  Deployment: {
    columns: [NAME, col('Ready', 'Number of the pod with ready state'), col('Up-to-date', D.updated), col('Available', D.available), AGE, wide('Containers', D.containers), wide('Images', D.images), wide('Selector', D.deploySelector)],
    cells: (o, now) => {
      const { spec = {}, status = {} } = loose(o);
      return [
        o.metadata.name, `${status.readyReplicas ?? 0}/${spec.replicas ?? 1}`, status.updatedReplicas ?? 0, status.availableReplicas ?? 0, age(o, now),
        ...containerCells(spec.template?.spec?.containers), selectorString(spec.selector),
      ];
    },
  },
  ReplicaSet: {
    columns: [NAME, col('Desired', D.rsDesired, { type: 'integer' }), col('Current', D.rsCurrent, { type: 'integer' }), col('Ready', D.rsReady, { type: 'integer' }), AGE, wide('Containers', D.containers), wide('Images', D.images), wide('Selector', D.rsSelector)],
    cells: (o, now) => {
      const { spec = {}, status = {} } = loose(o);
      return [
        o.metadata.name, spec.replicas ?? 1, status.replicas ?? 0, status.readyReplicas ?? 0, age(o, now),
        ...containerCells(spec.template?.spec?.containers), selectorString(spec.selector) || '<none>',
      ];
    },
  },
};

/** The generic convertor the server uses for kinds without a printer (e.g. CRDs). */
export const DEFAULT_PRINTER: Printer = {
  columns: [NAME, col('Created At', D.created, { type: 'date' })],
  cells: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? ''],
};

export function printerFor(kind: string): Printer {
  return PRINTERS[kind] ?? DEFAULT_PRINTER;
}
