// The objects seedCluster creates: plain manifests, so tests can read names and
// containers from here instead of repeating them. No controller-manager, scheduler
// or kubelet runs next to the test apiserver, so whatever those would write
// (ReplicaSets, pod status, deployment status) is written here by hand.

/** The namespaces the seed creates (besides default). */
export const SHOP = 'shop';
export const TOOLS = 'tools';
export const NAMESPACES = [SHOP, TOOLS] as const;

/** A fixed past instant: dates derived from it print the same all day long. */
export const EPOCH = '2026-01-01T00:00:00Z';

/** A Kubernetes object as sent to the API server. */
export type Manifest = Record<string, unknown> & { metadata: Record<string, unknown> & { name: string; namespace?: string } };

/** A pod the seed creates, and what its status should claim. */
export interface PodSeed {
  namespace: string;
  name: string;
  containers: string[];
  initContainers?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Left Pending with no node (logs answer 204) when false. */
  scheduled?: boolean;
  /** restartCount of each container, by name. */
  restarts?: Record<string, number>;
  podIP?: string;
  /** Filled in by the seed for Deployment pods. */
  ownerReferences?: unknown[];
}

/** The Deployment, its ReplicaSet's pod-template-hash and its replica count. */
export const DEPLOYMENT = { namespace: SHOP, name: 'web', hash: '7d4b9c8f6', replicas: 2 } as const;
const rsName = `${DEPLOYMENT.name}-${DEPLOYMENT.hash}`;

/** Pods, Deployment pods first (their ownerReferences are filled in once the ReplicaSet exists). */
export const PODS: PodSeed[] = [
  { namespace: SHOP, name: `${rsName}-x2k9p`, containers: ['nginx'], labels: { app: 'web', 'pod-template-hash': DEPLOYMENT.hash }, podIP: '10.88.0.11' },
  { namespace: SHOP, name: `${rsName}-q8m4z`, containers: ['nginx'], labels: { app: 'web', 'pod-template-hash': DEPLOYMENT.hash }, podIP: '10.88.0.12' },
  {
    namespace: SHOP,
    name: 'multi',
    // `app` is deliberately not the first container: only the annotation makes it the default.
    containers: ['sidecar', 'app', 'metrics'],
    initContainers: ['init-db', 'init-cache'],
    labels: { app: 'multi', tier: 'backend' },
    annotations: { 'kubectl.kubernetes.io/default-container': 'app' },
    restarts: { metrics: 2 },
    podIP: '10.88.0.13',
  },
  { namespace: SHOP, name: 'two', containers: ['a', 'b'], labels: { app: 'two' }, podIP: '10.88.0.14' },
  { namespace: TOOLS, name: 'debug', containers: ['shell'], labels: { app: 'debug' }, podIP: '10.88.0.15' },
  { namespace: TOOLS, name: 'pending', containers: ['wait'], scheduled: false },
  { namespace: 'default', name: 'hello', containers: ['hello'], labels: { app: 'hello' }, podIP: '10.88.0.16' },
];

const image = (container: string) => `registry.example/${container}:1.0`;

/** The Node the pods are bound to, with its kubelet at 127.0.0.1:kubeletPort. */
export function nodeManifest(name: string, kubeletPort: number): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/worker': '' } },
    // A Node keeps the status given on create; later changes need the status subresource.
    status: {
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: name }],
      daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'fake kubelet', lastHeartbeatTime: EPOCH, lastTransitionTime: EPOCH }],
      nodeInfo: { kubeletVersion: 'v1.34.10', containerRuntimeVersion: 'fake://1.0', osImage: 'Fake Linux', kernelVersion: '6.1.0', operatingSystem: 'linux', architecture: 'amd64', machineID: '', systemUUID: '', bootID: '', kubeProxyVersion: '' },
      capacity: { cpu: '2', memory: '4Gi', pods: '110' },
      allocatable: { cpu: '2', memory: '4Gi', pods: '110' },
    },
  };
}

/** A pod's spec (a create drops status: see runningPodStatus). */
export function podManifest(p: PodSeed, nodeName: string): Manifest {
  const container = (name: string) => ({ name, image: image(name) });
  const spec: Record<string, unknown> = { automountServiceAccountToken: false, containers: p.containers.map(container) };
  if (p.initContainers) spec['initContainers'] = p.initContainers.map(container);
  if (p.scheduled !== false) spec['nodeName'] = nodeName;
  const metadata: Manifest['metadata'] & Record<string, unknown> = { name: p.name, namespace: p.namespace };
  if (p.labels) metadata['labels'] = p.labels;
  if (p.annotations) metadata['annotations'] = p.annotations;
  if (p.ownerReferences) metadata['ownerReferences'] = p.ownerReferences;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}

/** The status a kubelet would report for a running pod (status on create is dropped). */
export function runningPodStatus(p: PodSeed): Record<string, unknown> {
  const cond = (type: string) => ({ type, status: 'True', lastTransitionTime: EPOCH });
  const running = (name: string) => {
    const restarts = p.restarts?.[name] ?? 0;
    const s: Record<string, unknown> = {
      name, image: image(name), imageID: `${image(name)}@sha256:${'0'.repeat(64)}`, containerID: `fake://${p.name}-${name}`,
      ready: true, started: true, restartCount: restarts, state: { running: { startedAt: EPOCH } },
    };
    if (restarts > 0) s['lastState'] = { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: EPOCH, finishedAt: EPOCH } };
    return s;
  };
  const completed = (name: string) => ({
    name, image: image(name), imageID: '', containerID: `fake://${p.name}-${name}`, ready: true, restartCount: 0,
    state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: EPOCH, finishedAt: EPOCH } },
  });
  return {
    status: {
      phase: 'Running', hostIP: '127.0.0.1', hostIPs: [{ ip: '127.0.0.1' }], podIP: p.podIP, podIPs: [{ ip: p.podIP }],
      startTime: EPOCH, qosClass: 'BestEffort',
      conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(cond),
      initContainerStatuses: (p.initContainers ?? []).map(completed),
      containerStatuses: p.containers.map(running),
    },
  };
}

/** Deployment shop/web, 2 replicas of nginx. */
export function deploymentManifest(): Manifest {
  const labels = { app: 'web' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: DEPLOYMENT.name, namespace: DEPLOYMENT.namespace, labels },
    spec: {
      replicas: DEPLOYMENT.replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { automountServiceAccountToken: false, containers: [{ name: 'nginx', image: image('nginx') }] } },
    },
  };
}

/** The ReplicaSet the deployment controller would have made, owned by the Deployment. */
export function replicaSetManifest(deploymentUid: string): Manifest {
  const labels = { app: 'web', 'pod-template-hash': DEPLOYMENT.hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: rsName, namespace: DEPLOYMENT.namespace, labels,
      annotations: { 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': String(DEPLOYMENT.replicas) },
      ownerReferences: [ownerRef('apps/v1', 'Deployment', DEPLOYMENT.name, deploymentUid)],
    },
    spec: {
      replicas: DEPLOYMENT.replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { automountServiceAccountToken: false, containers: [{ name: 'nginx', image: image('nginx') }] } },
    },
  };
}

/** A controller ownerReference, as controllers write them. */
export function ownerRef(apiVersion: string, kind: string, name: string, uid: string): Record<string, unknown> {
  return { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true };
}

/** What the deployment and replicaset controllers would report for two ready replicas. */
export const WORKLOAD_STATUS = {
  deployment: {
    status: {
      observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: EPOCH, lastTransitionTime: EPOCH },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.`, lastUpdateTime: EPOCH, lastTransitionTime: EPOCH },
      ],
    },
  },
  replicaSet: { status: { observedGeneration: 1, replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2 } },
};

/** A Service with a selector, one without, and an ExternalName one. */
export const SERVICES: Manifest[] = [
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: SHOP, labels: { app: 'web' } }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] } },
  // No selector: endpoints are managed by hand (here: none).
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'legacy-db', namespace: SHOP }, spec: { ports: [{ name: 'postgres', port: 5432, protocol: 'TCP' }, { name: 'metrics', port: 9187, protocol: 'TCP' }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'docs', namespace: TOOLS }, spec: { type: 'ExternalName', externalName: 'docs.example.com' } },
];

/** ConfigMaps with data, with binaryData, and empty. */
export const CONFIG_MAPS: Manifest[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace: SHOP }, data: { 'app.properties': 'color=blue\nsize=3\n', LOG_LEVEL: 'info' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'feature-flags', namespace: SHOP }, data: { beta: 'true' }, binaryData: { blob: 'AAEC' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'empty', namespace: TOOLS } },
];
