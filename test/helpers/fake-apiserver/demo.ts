// `--seed demo`: a small cluster's worth of objects and logs, for trying the plugin by hand.
import type { FakeApiServer, K8sObject } from './types.ts';

function ago(ms: number): string {
  return new Date(Date.now() - ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

const MINUTE = 60_000;

function runningPod(namespace: string, name: string, node: string, ip: string, containers: string[], ageMs: number): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: name.replace(/-[^-]+-[^-]+$/, '') }, creationTimestamp: ago(ageMs) },
    spec: { nodeName: node, containers: containers.map((c) => ({ name: c, image: `registry.example/${c}:1.0` })) },
    status: {
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      conditions: [{ type: 'Ready', status: 'True' }, { type: 'Initialized', status: 'True' }],
      containerStatuses: containers.map((c) => ({ name: c, ready: true, restartCount: 0, started: true, state: { running: { startedAt: ago(ageMs) } } })),
    },
  };
}

export function seedDemo(s: FakeApiServer): void {
  s.addObject({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a', labels: { 'node-role.kubernetes.io/control-plane': '' } }, spec: {}, status: {
    conditions: [{ type: 'Ready', status: 'True' }],
    addresses: [{ type: 'InternalIP', address: '10.0.0.10' }],
    nodeInfo: { kubeletVersion: 'v1.32.4', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.7.24' },
  } });
  s.addObject(runningPod('default', 'web-7d4b9c-x2x9k', 'node-a', '10.244.0.11', ['nginx'], 42 * MINUTE));
  s.addObject(runningPod('default', 'web-7d4b9c-q8w4e', 'node-a', '10.244.0.12', ['nginx'], 41 * MINUTE));
  s.addObject(runningPod('default', 'api-5f6d7-m2n3b', 'node-a', '10.244.0.13', ['api', 'sidecar'], 3 * 60 * MINUTE));
  s.addObject(runningPod('kube-system', 'coredns-6f6b679f8f-abcde', 'node-a', '10.244.0.2', ['coredns'], 5 * 24 * 60 * MINUTE));
  s.addObject({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(42 * MINUTE) },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'nginx', image: 'registry.example/nginx:1.0' }] } } },
    status: { replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 },
  });
  s.addObject({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(42 * MINUTE) },
    spec: { clusterIP: '10.96.12.34', ports: [{ port: 80 }], selector: { app: 'web' } },
  });
  s.addObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'default' }, data: { 'nginx.conf': 'events {}' } });
  const t0 = Date.now() - 40 * MINUTE;
  const lines = (prefix: string): Array<{ time: Date; text: string }> =>
    Array.from({ length: 20 }, (_, i) => ({ time: new Date(t0 + i * 2 * MINUTE), text: `${prefix} line ${i + 1}` }));
  s.setLogs('default', 'web-7d4b9c-x2x9k', 'nginx', lines('web-x2x9k nginx'));
  s.setLogs('default', 'web-7d4b9c-q8w4e', 'nginx', lines('web-q8w4e nginx'));
  s.setLogs('default', 'api-5f6d7-m2n3b', 'api', lines('api'));
  s.setLogs('default', 'api-5f6d7-m2n3b', 'sidecar', lines('sidecar'));
  s.setLogs('kube-system', 'coredns-6f6b679f8f-abcde', 'coredns', lines('coredns'));
}
