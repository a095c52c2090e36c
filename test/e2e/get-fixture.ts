// Shared by the `get` e2e suites: one fake API server on a unix socket (for
// kubectl sock) and on TCP (for the kubectl oracle), seeded with objects whose
// ages are days old, so both runs print the same AGE; and the runners that
// compare the two.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { startFakeApiServer, type FakeApiServer, type K8sObject } from '../helpers/fake-apiserver.ts';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { BINARY, KUBECTL, cleanEnv, kubectl, sock, type RunResult } from '../helpers/processes.ts';

const DAY = 86_400_000;

/** A creationTimestamp `days` days ago (whole seconds, as the API server writes them). */
export function daysAgo(days: number): string {
  return new Date(Date.now() - days * DAY).toISOString().replace(/\.\d+Z$/, 'Z');
}

export function pod(namespace: string, name: string, o: { labels?: Record<string, string>; phase?: string; days?: number; node?: string; restarts?: number; ip?: string; extra?: Record<string, unknown> } = {}): K8sObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace, labels: o.labels ?? {}, creationTimestamp: daysAgo(o.days ?? 40) },
    spec: { nodeName: o.node ?? 'node-a', containers: [{ name: 'app', image: 'registry.example/app:1.0' }], ...o.extra },
    status: {
      phase: o.phase ?? 'Running',
      ...(o.ip ? { podIP: o.ip, podIPs: [{ ip: o.ip }] } : {}),
      containerStatuses: [{ name: 'app', ready: (o.phase ?? 'Running') === 'Running', restartCount: o.restarts ?? 0, state: { running: {} } }],
    },
  };
}

/** The objects every get test can rely on. */
export function seed(api: FakeApiServer): void {
  // The fake creates these at start-up; backdate them so AGE is stable.
  for (const name of ['default', 'kube-system']) {
    const ns = api.getObject('namespaces', undefined, name) as K8sObject;
    api.updateObject({ ...ns, metadata: { ...ns.metadata, creationTimestamp: daysAgo(400) } });
  }
  for (const name of ['ns1', 'chunky', 'big', 'nul', 'w1', 'w2']) api.addObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, creationTimestamp: daysAgo(90) } });
  api.addObject(pod('default', 'web-7d4b9c-x2x9k', { labels: { app: 'web', tier: 'front' }, ip: '10.244.0.11', days: 3 }));
  api.addObject(pod('default', 'web-7d4b9c-q8w4e', { labels: { app: 'web', tier: 'front' }, ip: '10.244.0.12', days: 3, restarts: 2 }));
  api.addObject(pod('default', 'api-5f6d7-m2n3b', { labels: { app: 'api', 'example.com/team': 'core' }, ip: '10.244.0.13', days: 12 }));
  api.addObject(pod('default', 'batch-job-x', { phase: 'Succeeded', days: 700 }));
  api.addObject(pod('kube-system', 'coredns-6f6b679f8f-abcde', { labels: { 'k8s-app': 'kube-dns' }, days: 400 }));
  for (let i = 0; i < 7; i++) {
    api.addObject(pod('ns1', `p${'x'.repeat(i * 3)}${i}`, { labels: { app: i % 2 ? 'a' : 'bb', tier: String(i) }, phase: i % 3 ? 'Running' : 'Pending', days: 30 + i, node: `n${i}`, restarts: (i * 7) % 4 }));
  }
  // Widths that grow and shrink from page to page, for --chunk-size.
  for (const [i, name] of ['a', 'bbbbbbbbbbbbbbbbbbbbbbbb', 'cc', 'dddddddddddd', 'e'].entries()) api.addObject(pod('chunky', name, { days: 5 + i * 100 }));
  for (const [name, value] of [['n1', null], ['n2', 'b'], ['n3', null], ['n4', 'a'], ['n6', '10'], ['n7', '2Ki'], ['n8', '100m']] as const) {
    api.addObject(pod('nul', name, { days: 9, extra: { foo: value } }));
  }
  const created = daysAgo(50);
  api.addObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, creationTimestamp: created }, spec: { clusterIP: '10.96.12.34', ports: [{ port: 80 }], selector: { app: 'web' } } });
  api.addObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api-internal', namespace: 'default', creationTimestamp: created }, spec: { clusterIP: '10.96.0.99', ports: [{ port: 8080 }, { port: 9090 }] } });
  api.addObject({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', creationTimestamp: created },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'nginx', image: 'registry.example/nginx:1.0' }] } } },
    status: { replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 },
  });
  api.addObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'default', creationTimestamp: created }, data: { 'nginx.conf': 'events {}' } });
  api.addObject({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a', labels: { 'node-role.kubernetes.io/control-plane': '' }, creationTimestamp: daysAgo(800) }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.32.4' } } });
  for (let i = 0; i < 3000; i++) api.addObject(pod('big', `big-${String(i).padStart(5, '0')}`, { days: 41, labels: { i: String(i) } }));
}

export interface GetEnv {
  api: FakeApiServer;
  dir: string;
  home: string;
  /** --server for kubectl sock (the unix socket) and for kubectl (TCP). */
  sockServer: string;
  kubectlServer: string;
}

export async function startGetEnv(prefix: string): Promise<GetEnv> {
  const dir = tempDir(prefix);
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  const api = await startFakeApiServer({ unixSocket: join(dir, 'api.sock'), tcp: true });
  seed(api);
  return { api, dir, home, sockServer: api.unixUrl as string, kubectlServer: api.httpUrl as string };
}

/** kubectl's text with the program named as kubectl sock names itself; klog F-line stamps masked. */
export function normalizeOracle(text: string): string {
  return maskKlog(text.replaceAll("'kubectl ", "'kubectl sock ").replaceAll(`${basename(KUBECTL)} get`, 'kubectl sock get'));
}

export function maskKlog(text: string): string {
  return text.replace(/^([IWEF])\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ /gm, '$1MMDD hh:mm:ss.uuuuuu PID ');
}

/** Runs `get …` through both, each against its own listener of the same server. */
export async function both(env: GetEnv, args: string[]): Promise<{ ours: RunResult; theirs: RunResult }> {
  const opts = { env: { HOME: env.home } };
  const [ours, theirs] = await Promise.all([
    sock(['--server', env.sockServer, ...args], opts),
    kubectl(['--server', env.kubectlServer, ...args], opts),
  ]);
  return { ours: { ...ours, stderr: maskKlog(ours.stderr) }, theirs: { ...theirs, stderr: normalizeOracle(theirs.stderr) } };
}

/** A long-running get (a watch) whose output can be awaited line by line. */
export interface Watcher {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout has at least `n` lines. */
  lines(n: number, timeoutMs?: number): Promise<void>;
  /** Sends SIGINT (Ctrl-C) and waits for the exit code. */
  interrupt(): Promise<number | null>;
}

export function startWatcher(which: 'sock' | 'kubectl', env: GetEnv, args: string[]): Watcher {
  const [cmd, server] = which === 'sock' ? [BINARY, env.sockServer] : [KUBECTL, env.kubectlServer];
  const child = spawn(cmd, ['--server', server, ...args], { env: cleanEnv({ HOME: env.home }), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c) => (out += c));
  child.stderr?.on('data', (c) => (err += c));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    async lines(n, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (out.split('\n').length - 1 < n) {
        if (Date.now() > until || child.exitCode !== null) throw new Error(`${which}: wanted ${n} lines, got:\n${out}\nstderr:\n${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async interrupt() {
      child.kill('SIGINT');
      return closed;
    },
  };
}
