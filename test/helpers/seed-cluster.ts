// Fills a fresh real control plane with realistic content over direct HTTPS
// calls as admin (a few hundred milliseconds, where one kubectl per object would
// take seconds): namespaces, a Node pointing at a fake kubelet, running pods with
// init containers and the default-container annotation, a Deployment with its
// ReplicaSet and pods, Services, ConfigMaps, and custom resources with
// server-side printer columns.
import type { ControlPlane } from './control-plane.ts';
import {
  CONFIG_MAPS, DEPLOYMENT, NAMESPACES, PODS, SERVICES, WORKLOAD_STATUS,
  deploymentManifest, nodeManifest, ownerRef, podManifest, replicaSetManifest, runningPodStatus, type Manifest, type PodSeed,
} from './seed-manifests.ts';
import { CRD_GROUP, CUSTOM_OBJECTS, WIDGETS, gadgetCrd, widgetCrd } from './seed-crd.ts';

export * from './seed-manifests.ts';
export * from './seed-crd.ts';

export interface SeedOptions {
  /** The port the fake kubelet listens on (127.0.0.1), for the Node's kubeletEndpoint. */
  kubeletPort: number;
}

/** What was seeded, for tests to aim at. */
export interface Seeded {
  nodeName: string;
  pods: PodSeed[];
}

type Obj = { metadata: { uid: string; name: string } };

const MERGE_PATCH = 'application/merge-patch+json';

/** Creates everything, waits for the custom types to be served, and returns the pods. */
export async function seedCluster(cp: ControlPlane, opts: SeedOptions): Promise<Seeded> {
  // The CRDs first: their establishment runs while the rest is created.
  await Promise.all([widgetCrd(), gadgetCrd()].map((crd) => cp.json('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)));
  for (const ns of NAMESPACES) await cp.json('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await cp.json('POST', '/api/v1/nodes', nodeManifest(cp.nodeName, opts.kubeletPort));
  const pods = await seedWorkloads(cp);
  for (const svc of SERVICES) await create(cp, 'services', svc);
  for (const cm of CONFIG_MAPS) await create(cp, 'configmaps', cm);
  await waitEstablished(cp, `${WIDGETS.plural}.${CRD_GROUP}`);
  await waitEstablished(cp, `gadgets.${CRD_GROUP}`);
  for (const o of CUSTOM_OBJECTS) {
    await cp.json('POST', o.path, o.body);
    if (o.status) await cp.json('PATCH', `${o.path}/${o.body.metadata.name}/status`, o.status, MERGE_PATCH);
  }
  return { nodeName: cp.nodeName, pods };
}

/** Points the Node at another kubelet port (a Node's status only changes through its subresource). */
export async function setKubeletPort(cp: ControlPlane, port: number): Promise<void> {
  const patch = { status: { daemonEndpoints: { kubeletEndpoint: { Port: port } } } };
  await cp.json('PATCH', `/api/v1/nodes/${cp.nodeName}/status`, patch, MERGE_PATCH);
}

/** The Deployment → ReplicaSet → Pods chain with real ownerReferences, and the standalone pods. */
async function seedWorkloads(cp: ControlPlane): Promise<PodSeed[]> {
  const apps = `/apis/apps/v1/namespaces/${DEPLOYMENT.namespace}`;
  const deploy = await cp.json<Obj>('POST', `${apps}/deployments`, deploymentManifest());
  const rs = await cp.json<Obj>('POST', `${apps}/replicasets`, replicaSetManifest(deploy.metadata.uid));
  await cp.json('PATCH', `${apps}/deployments/${DEPLOYMENT.name}/status`, WORKLOAD_STATUS.deployment, MERGE_PATCH);
  await cp.json('PATCH', `${apps}/replicasets/${rs.metadata.name}/status`, WORKLOAD_STATUS.replicaSet, MERGE_PATCH);
  const owned = PODS.map((p) =>
    p.labels?.['pod-template-hash'] === DEPLOYMENT.hash ? { ...p, ownerReferences: [ownerRef('apps/v1', 'ReplicaSet', rs.metadata.name, rs.metadata.uid)] } : p,
  );
  for (const p of owned) {
    await create(cp, 'pods', podManifest(p, cp.nodeName));
    // Status in a create is dropped: a kubelet would report it through the subresource.
    if (p.scheduled !== false) await cp.json('PATCH', `/api/v1/namespaces/${p.namespace}/pods/${p.name}/status`, runningPodStatus(p), MERGE_PATCH);
  }
  return owned;
}

async function create(cp: ControlPlane, resource: string, m: Manifest): Promise<void> {
  await cp.json('POST', `/api/v1/namespaces/${m.metadata.namespace ?? 'default'}/${resource}`, m);
}

/** Polls until the CRD is Established and its group version lists it (what discovery will serve). */
async function waitEstablished(cp: ControlPlane, name: string): Promise<void> {
  const [plural, ...group] = name.split('.');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const crd = await cp.json<{ status?: { conditions?: Array<{ type: string; status: string }> } }>('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
    const established = crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    if (established) {
      const gv = await cp.request('GET', `/apis/${group.join('.')}/v1`);
      if (gv.status === 200 && (JSON.parse(gv.body) as { resources: Array<{ name: string }> }).resources.some((r) => r.name === plural)) return;
    }
    if (Date.now() > deadline) throw new Error(`CRD ${name} not established within 30 s: ${JSON.stringify(crd.status)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
