// The cluster test/e2e/logs.test.ts runs against, and its process helpers.
import { spawn, type ChildProcess } from 'node:child_process';
import type { FakeApiServer, K8sObject, LogLine } from '../helpers/fake-apiserver.ts';
import { generatedLog } from '../helpers/fake-apiserver/generated-log.ts';
import type { FakeKubelet } from '../helpers/fake-kubelet.ts';
import { cleanEnv, ROOT, type RunResult } from '../helpers/processes.ts';

export const SKIP = '--insecure-skip-tls-verify-backend';
/** 2024-01-02T03:04:05.678Z: log lines have fixed times, so --since-time is deterministic. */
export const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

const at = (sec: number): Date => new Date(T0 + sec * 1000);
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

interface PodSpec {
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  containers?: string[];
  init?: string[];
  ephemeral?: string[];
  node?: string;
  status?: Record<string, unknown>;
}

function pod(name: string, s: PodSpec = {}): K8sObject {
  const spec: Record<string, unknown> = { containers: (s.containers ?? ['app']).map((c) => ({ name: c, image: 'registry.example/app:1' })) };
  if (s.node !== '') spec['nodeName'] = s.node ?? 'node-a';
  if (s.init) spec['initContainers'] = s.init.map((c) => ({ name: c, image: 'x' }));
  if (s.ephemeral) spec['ephemeralContainers'] = s.ephemeral.map((c) => ({ name: c, image: 'x' }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: s.namespace ?? 'default', labels: s.labels ?? {}, annotations: s.annotations ?? {}, creationTimestamp: iso(T0 - 86_400_000) },
    spec,
    status: s.status ?? { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: iso(T0 - 3_600_000) }] },
  };
}

function numbered(prefix: string, n: number): LogLine[] {
  return Array.from({ length: n }, (_, i) => ({ time: at(i), text: `${prefix} ${i + 1}` }));
}

function ready(sinceMs: number | undefined): Record<string, unknown> {
  const conditions = sinceMs === undefined ? [{ type: 'Ready', status: 'False' }] : [{ type: 'Ready', status: 'True', lastTransitionTime: iso(sinceMs) }];
  return { phase: 'Running', conditions };
}

function workloads(api: FakeApiServer): void {
  const meta = (name: string) => ({ name, namespace: 'default' });
  api.addObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web'), spec: { selector: { matchLabels: { app: 'web' } } } });
  api.addObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('empty'), spec: { selector: { matchLabels: { app: 'none' } } } });
  api.addObject({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('web-rs'), spec: { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] } } });
  api.addObject({ apiVersion: 'v1', kind: 'Service', metadata: meta('web'), spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
  api.addObject({ apiVersion: 'v1', kind: 'Service', metadata: meta('headless'), spec: { ports: [{ port: 80 }] } });
  api.addObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('settings'), data: { a: 'b' } });
}

function webPods(api: FakeApiServer): void {
  // ByLogging: ready before not ready, ready longer first: web-c wins.
  api.addObject(pod('web-a', { labels: { app: 'web' }, status: ready(undefined) }));
  api.addObject(pod('web-b', { labels: { app: 'web' }, status: ready(T0 - 3_600_000) }));
  api.addObject(pod('web-c', { labels: { app: 'web' }, status: ready(T0 - 7_200_000) }));
  for (const p of ['web-a', 'web-b', 'web-c']) api.setLogs('default', p, 'app', numbered(p, 3));
}

function containerPods(api: FakeApiServer): void {
  api.addObject(pod('single'));
  api.setLogs('default', 'single', 'app', numbered('single', 3));
  api.addObject(pod('multi', { containers: ['app', 'sidecar'], init: ['init'] }));
  for (const c of ['init', 'app', 'sidecar']) api.setLogs('default', 'multi', c, numbered(`multi ${c}`, 2));
  api.addObject(pod('debugged', { ephemeral: ['debugger'] }));
  for (const c of ['app', 'debugger']) api.setLogs('default', 'debugged', c, numbered(`debugged ${c}`, 1));
  const annotation = 'kubectl.kubernetes.io/default-container';
  api.addObject(pod('annotated', { containers: ['app', 'sidecar'], annotations: { [annotation]: 'sidecar' } }));
  api.addObject(pod('misannotated', { containers: ['app', 'sidecar'], annotations: { [annotation]: 'nope' } }));
  for (const p of ['annotated', 'misannotated']) for (const c of ['app', 'sidecar']) api.setLogs('default', p, c, numbered(`${p} ${c}`, 1));
  api.addObject(pod('restarted'));
  api.setLogs('default', 'restarted', 'app', numbered('now', 1));
  api.setLogs('default', 'restarted', 'app', numbered('before the restart', 2), { previous: true });
  api.addObject(pod('elsewhere', { namespace: 'other' }));
  api.setLogs('other', 'elsewhere', 'app', numbered('elsewhere', 2));
}

function statePods(api: FakeApiServer): void {
  const waiting = { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] };
  api.addObject(pod('starting', { status: waiting }));
  api.addObject(pod('mixed-ok', { labels: { tier: 'mixed' } }));
  api.setLogs('default', 'mixed-ok', 'app', numbered('mixed-ok', 2));
  api.addObject(pod('mixed-waiting', { labels: { tier: 'mixed', stuck: 'yes' }, status: waiting }));
  api.addObject(pod('pending', { node: '', status: { phase: 'Pending' } }));
  const now = Date.now();
  api.addObject(pod('recent'));
  api.setLogs('default', 'recent', 'app', [7_200_000, 1_800_000, 60_000].map((ago) => ({ time: new Date(now - ago), text: `${ago / 60_000} minutes ago` })));
  api.addObject(pod('tailing'));
  api.setLogs('default', 'tailing', 'app', numbered('tail', 3));
  api.addObject(pod('chatty'));
  const chatty: Array<LogLine & { stream: 'stdout' | 'stderr' }> = [
    { time: at(0), text: 'out 1', stream: 'stdout' },
    { time: at(1), text: 'err 1', stream: 'stderr' },
    { time: at(2), text: 'out 2', stream: 'stdout' },
  ];
  api.setLogs('default', 'chatty', 'app', chatty);
  api.addObject(pod('big'));
  api.setLogs('default', 'big', 'app', generatedLog(32 << 20));
}

/** Everything the e2e logs suite reads, the kubelet-backed pod included. */
export function seedCluster(api: FakeApiServer, kubelet: FakeKubelet): void {
  api.addObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
  workloads(api);
  webPods(api);
  containerPods(api);
  statePods(api);
  api.addObject({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'kubelet-node' },
    status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } } },
  });
  api.addObject(pod('remote', { node: 'kubelet-node' }));
  kubelet.setLogs('default', 'remote', 'app', 'remote 1\nremote 2\n');
}

/** The x509 message names the moment of verification: the only part that differs between two runs. */
export function stableX509(line: string): string {
  return line.replace(/current time \S+ is after/, 'current time <now> is after');
}

export interface Following {
  child: ChildProcess;
  /** Resolves once stdout contains `text`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  done: Promise<RunResult>;
}

/** A long-running process (`logs -f`) whose stdout is watched as it grows. */
export function follow(bin: string, args: string[]): Following {
  const child = spawn(bin, args, { env: cleanEnv(), cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (c) => {
    stdout += c;
    for (const w of [...waiters]) w();
  });
  child.stderr.on('data', (c) => (stderr += c));
  const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<RunResult>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(kill);
      for (const w of [...waiters]) w();
      resolve({ stdout, stderr, code, signal });
    }),
  );
  const waitFor = (text: string, timeoutMs = 20_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${JSON.stringify(text)} in ${args.join(' ')} after ${timeoutMs} ms; stdout ends ${JSON.stringify(stdout.slice(-300))}, stderr ${JSON.stringify(stderr)}`));
      }, timeoutMs);
      const check = (): void => {
        if (!stdout.includes(text) && child.exitCode === null) return;
        clearTimeout(timer);
        waiters.delete(check);
        if (stdout.includes(text)) resolve();
        else reject(new Error(`${args.join(' ')} exited before ${JSON.stringify(text)}: ${stderr}`));
      };
      waiters.add(check);
      check();
    });
  return { child, waitFor, done };
}

/**
 * The `logs` invocations of the parity suites: test/e2e/logs.test.ts (fake API server, which
 * has no job/sts/ds/rc types) and test/real/logs.test.ts (a real one, where those objects are
 * missing). Each runs as kubectl sock and as kubectl; stdout, stderr's first line and exit
 * code must match (sortLines: several streams, whose order kubectl leaves random).
 */
export const logsParityCases: Array<[string, string[], { sortLines?: boolean }?]> = [
  ['POD', ['single']],
  ['pod/NAME', ['pod/single']],
  ['po/NAME', ['po/single']],
  ['other namespace', ['elsewhere', '-n', 'other']],
  ['default container, Defaulted line', ['multi']],
  ['-c', ['multi', '-c', 'sidecar']],
  ['inline CONTAINER', ['multi', 'sidecar']],
  ['-c with inline CONTAINER', ['multi', 'sidecar', '-c', 'app']],
  ['unknown container', ['multi', '-c', 'nope']],
  ['--all-containers', ['multi', '--all-containers'], { sortLines: true }],
  ['--all-containers --prefix', ['multi', '--all-containers', '--prefix'], { sortLines: true }],
  ['--all-containers with -c', ['multi', '--all-containers', '-c', 'app']],
  ['ephemeral containers', ['debugged', '--all-containers=true', '--prefix'], { sortLines: true }],
  ['default-container annotation', ['annotated']],
  ['annotation naming no container', ['misannotated']],
  ['deploy/NAME: Found N pods', ['deploy/web']],
  ['deployment.apps/NAME --all-pods', ['deployment.apps/web', '--all-pods'], { sortLines: true }],
  ['rs/NAME', ['rs/web-rs']],
  ['svc/NAME', ['svc/web']],
  ['svc without selector', ['svc/headless']],
  ['a type without pods', ['cm/settings']],
  ['job/NAME that is not there', ['job/hello']],
  ['sts/NAME that is not there', ['sts/db']],
  ['ds/NAME that is not there', ['ds/agent']],
  ['rc/NAME that is not there', ['rc/legacy']],
  ['missing pod', ['nosuch']],
  ['missing deployment', ['deploy/nope']],
  ['unknown type', ['foo/bar']],
  ['two slashes', ['a/b/c']],
  ['-l (tail 10 each)', ['-l', 'app=web'], { sortLines: true }],
  ['-l --tail --prefix', ['-l', 'app=web', '--tail=1', '--prefix'], { sortLines: true }],
  ['-l matching nothing', ['-l', 'app=none']],
  ['-l bad selector', ['-l', 'a b']],
  ['no name', []],
  ['name and -l', ['single', '-l', 'app=web']],
  ['three arguments', ['a', 'b', 'c']],
  ['--tail', ['single', '--tail=2']],
  ['--tail=0', ['single', '--tail=0']],
  ['--timestamps', ['single', '--timestamps']],
  ['--since-time with an offset and a fraction', ['single', `--since-time=2024-01-02T05:04:07.5+02:00`]],
  ['--since', ['recent', '--since=1h']],
  ['--since rounding to 0', ['single', '--since=400ms']],
  ['--limit-bytes', ['single', '--limit-bytes=7']],
  ['-p', ['restarted', '-p']],
  ['-p without a previous instance', ['single', '--previous']],
  ['--since with --since-time', ['single', '--since=1s', `--since-time=2024-01-02T03:04:05Z`]],
  ['negative --since', ['single', '--since=-1s']],
  ['--tail below -1', ['single', '--tail=-2']],
  ['negative --limit-bytes', ['single', '--limit-bytes=-1']],
  ['bad --since-time', ['single', '--since-time=yesterday']],
  ['--pod-running-timeout=0', ['single', '--pod-running-timeout=0']],
  ['bad flag value', ['single', '--tail=x']],
  ['container waiting', ['starting']],
  ['--ignore-errors', ['-l', 'tier=mixed', '--all-containers', '--ignore-errors'], { sortLines: true }],
  ['error without --ignore-errors', ['-l', 'stuck=yes', '--all-containers']],
  ['unscheduled pod', ['pending']],
  ['--insecure-skip-tls-verify-backend', ['single', SKIP]],
  ['expired kubelet certificate', ['remote']],
  ['expired kubelet certificate, skipped', ['remote', SKIP]],
  ['-f to a limit', ['single', '-f', '--limit-bytes=9']],
  ['-f over --max-log-requests', ['-f', '-l', 'app=web', '--max-log-requests=2']],
  ['-f, several streams (each ends at its limit)', ['-f', '-l', 'app=web', '--max-log-requests=10', '--tail=1', '--limit-bytes=8', '--prefix'], { sortLines: true }],
  ['deploy with no pods: timeout', ['deploy/empty', '--pod-running-timeout=1s']],
];
