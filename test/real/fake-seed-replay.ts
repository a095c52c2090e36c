// Runs the e2e suites' seed functions (written for the fake API server) against
// a REAL control plane: a recorder stands in for FakeApiServer while the seed
// runs, then the objects are created over HTTPS, with what a real server needs
// and the fake does not (status through the status subresource, ephemeral
// containers through theirs, template labels, port names, no fixed cluster IPs,
// Node objects for the pods' nodes), and container logs go to fake kubelets.
import type { ControlPlane } from '../helpers/control-plane.ts';
import type { FakeApiServer, K8sObject, LogLine } from '../helpers/fake-apiserver.ts';
import type { FakeKubelet } from '../helpers/fake-kubelet.ts';
import { nodeManifest } from '../helpers/seed-manifests.ts';

type Meta = { name: string; namespace?: string; [k: string]: unknown };
type Obj = K8sObject & { metadata: Meta; spec?: Record<string, unknown>; status?: Record<string, unknown> };
/** One setLogs call of a seed. */
export interface RecordedLog { namespace: string; pod: string; container: string; lines: ReadonlyArray<string | LogLine>; previous: boolean }

/** What a seed function did to the fake API server, in order. */
export class SeedRecorder {
  readonly objects: Obj[] = [];
  readonly logs: RecordedLog[] = [];

  /** The recorder, typed as the FakeApiServer the seed functions take (they only add objects and logs). */
  asFakeApiServer(): FakeApiServer {
    return this as unknown as FakeApiServer;
  }
  addObject(obj: K8sObject): K8sObject {
    this.objects.push(structuredClone(obj) as Obj);
    return obj;
  }
  updateObject(obj: K8sObject): K8sObject {
    const at = this.objects.findIndex((o) => same(o, obj as Obj));
    if (at >= 0) this.objects[at] = structuredClone(obj) as Obj;
    return obj;
  }
  /** The namespaces a real server creates by itself, so that seeds may "update" them. */
  getObject(resource: string, namespace: string | undefined, name: string): K8sObject | undefined {
    if (resource === 'namespaces' && ['default', 'kube-system', 'kube-public', 'kube-node-lease'].includes(name)) {
      return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as K8sObject;
    }
    return this.objects.find((o) => o.metadata.name === name && o.metadata.namespace === namespace);
  }
  setLogs(namespace: string, pod: string, container: string, lines: ReadonlyArray<string | LogLine>, opts?: { previous?: boolean }): void {
    this.logs.push({ namespace, pod, container, lines, previous: opts?.previous ?? false });
  }
}

function same(a: Obj, b: Obj): boolean {
  return a.kind === b.kind && a.metadata.name === b.metadata.name && a.metadata.namespace === b.metadata.namespace;
}

const PATHS: Record<string, (ns: string) => string> = {
  Namespace: () => '/api/v1/namespaces',
  Node: () => '/api/v1/nodes',
  Pod: (ns) => `/api/v1/namespaces/${ns}/pods`,
  Service: (ns) => `/api/v1/namespaces/${ns}/services`,
  ConfigMap: (ns) => `/api/v1/namespaces/${ns}/configmaps`,
  Deployment: (ns) => `/apis/apps/v1/namespaces/${ns}/deployments`,
  ReplicaSet: (ns) => `/apis/apps/v1/namespaces/${ns}/replicasets`,
};
const MERGE = 'application/merge-patch+json';

/** Where replayed logs go, and how many objects are created at once. */
export interface ReplayOptions {
  /** Serves every recorded log; Nodes the seed did not create (but pods name) point at it. */
  kubelet?: FakeKubelet;
  /** Concurrent creations (a seed may hold thousands of pods). */
  parallel?: number;
}

/** Creates the recorded objects on the real server and hands the logs to the kubelet. */
export async function replay(cp: ControlPlane, rec: SeedRecorder, opts: ReplayOptions): Promise<void> {
  const seeded = new Set(rec.objects.filter((o) => o.kind === 'Node').map((o) => o.metadata.name));
  const nodes = new Set(rec.objects.flatMap((o) => (o.kind === 'Pod' && typeof o.spec?.['nodeName'] === 'string' ? [o.spec['nodeName'] as string] : [])));
  const kubelet = opts.kubelet;
  const missing = kubelet ? [...nodes].filter((n) => !seeded.has(n)).map((n) => nodeManifest(n, kubelet.port) as Obj) : [];
  // Namespaces and Nodes first, then the rest, `parallel` at a time.
  const first = [...rec.objects.filter((o) => o.kind === 'Namespace' || o.kind === 'Node'), ...missing];
  for (const o of first) await createOne(cp, o);
  const rest = rec.objects.filter((o) => o.kind !== 'Namespace' && o.kind !== 'Node');
  let next = 0;
  const worker = async () => {
    while (next < rest.length) await createOne(cp, rest[next++] as Obj);
  };
  await Promise.all(Array.from({ length: opts.parallel ?? 8 }, worker));
  if (!kubelet && rec.logs.length > 0) throw new Error('replay: the seed sets logs: give it a kubelet');
  for (const l of rec.logs) {
    // A generated (benchmark-sized) log is a marker the kubelet does not know: give it one line.
    const lines = l.lines.map((x) => (typeof x === 'object' && 'generated' in x ? { time: x.time, text: 'generated' } : x));
    kubelet?.setLogs(l.namespace, l.pod, l.container, lines, { previous: l.previous });
  }
}

async function createOne(cp: ControlPlane, original: Obj): Promise<void> {
  const path = PATHS[original.kind ?? '']?.(original.metadata.namespace ?? 'default');
  if (path === undefined) throw new Error(`replay: no path for kind ${original.kind}`);
  const { body, status, ephemeral } = forRealServer(original);
  const res = await cp.request('POST', path, body);
  // The namespaces a real server makes itself already exist.
  if (res.status === 409 && original.kind === 'Namespace') return;
  if (res.status !== 201) throw new Error(`replay: POST ${path} ${original.metadata.name}: HTTP ${res.status}: ${res.body}`);
  const item = `${path}/${original.metadata.name}`;
  if (ephemeral) await cp.json('PATCH', `${item}/ephemeralcontainers`, { spec: { ephemeralContainers: ephemeral } }, MERGE);
  if (status && original.kind !== 'Node') await cp.json('PATCH', `${item}/status`, { status }, MERGE);
}

/** The object as a real server accepts it, and what must follow through subresources. */
function forRealServer(o: Obj): { body: Obj; status?: Record<string, unknown>; ephemeral?: unknown[] } {
  const body = structuredClone(o);
  const { creationTimestamp: _c, resourceVersion: _r, uid: _u, ...metadata } = body.metadata;
  body.metadata = metadata as Meta;
  const status = o.kind === 'Node' ? undefined : body.status;
  if (o.kind !== 'Node') delete body.status;
  const spec = body.spec ?? {};
  let ephemeral: unknown[] | undefined;
  if (o.kind === 'Pod') {
    // Ephemeral containers may not be set on create; they come through their subresource.
    ephemeral = spec['ephemeralContainers'] as unknown[] | undefined;
    delete spec['ephemeralContainers'];
  }
  if (o.kind === 'Service') fixService(spec);
  if (o.kind === 'Deployment' || o.kind === 'ReplicaSet') fixTemplate(spec);
  return { body, ...(status ? { status: podStatusImages(o, status) } : {}), ...(ephemeral ? { ephemeral } : {}) };
}

/** Cluster IPs come from the server's range; several ports need names. */
function fixService(spec: Record<string, unknown>): void {
  delete spec['clusterIP'];
  const ports = spec['ports'] as Array<Record<string, unknown>> | undefined;
  if (ports && ports.length > 1) ports.forEach((p, i) => (p['name'] ??= `port-${i}`));
}

/** A real server wants a pod template whose labels match the selector. */
function fixTemplate(spec: Record<string, unknown>): void {
  const selector = (spec['selector'] ?? {}) as { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> };
  const labels: Record<string, string> = { ...selector.matchLabels };
  for (const e of selector.matchExpressions ?? []) if (e.operator === 'In' && e.values?.[0]) labels[e.key] = e.values[0];
  const template = (spec['template'] ?? {}) as { metadata?: { labels?: Record<string, string> }; spec?: { containers?: unknown[] } };
  template.metadata = { ...template.metadata, labels: { ...labels, ...template.metadata?.labels } };
  template.spec = { containers: [{ name: 'app', image: 'registry.example/app:1' }], ...template.spec };
  spec['template'] = template;
}

/** Container statuses need an image on a real server: the spec's. */
function podStatusImages(o: Obj, status: Record<string, unknown>): Record<string, unknown> {
  if (o.kind !== 'Pod') return status;
  const images = new Map(((o.spec?.['containers'] ?? []) as Array<{ name: string; image: string }>).map((c) => [c.name, c.image]));
  for (const key of ['containerStatuses', 'initContainerStatuses']) {
    const list = status[key] as Array<Record<string, unknown>> | undefined;
    for (const s of list ?? []) {
      s['image'] ??= images.get(s['name'] as string) ?? 'registry.example/app:1';
      s['imageID'] ??= '';
    }
  }
  return status;
}
