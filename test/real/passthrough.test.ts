// The passthrough against a REAL kube-apiserver: `kubectl sock --server
// unix://… VERB` runs kubectl 1.33 through kubectl-sock's shared relay to
// real `kubectl proxy --unix-socket`; the oracle is the same kubectl over TLS
// straight to the server. Compared: stdout, stderr and exit code.
//
// `get` is forced through with `kubectl sock -- get` (plain `get` is native).
// Read-only verbs run both ways on the same objects. Verbs that change things
// (apply, edit, delete) run on twin objects, ours in namespace pt-sock and the
// oracle's in pt-oracle, so both see the same starting point. What must differ
// between twins, and only that, is masked before comparing: the namespace
// name, and what the server stamps on each object (uid, resourceVersion,
// creationTimestamp), which no two objects share.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlPlane } from '../helpers/control-plane.ts';
import { startProxiedControlPlane, type ProxiedControlPlane } from '../helpers/proxied-control-plane.ts';
import { createDeployments } from '../helpers/seed-deployments.ts';
import { KUBECTL, kubectl, sock, type Background, type RunResult } from '../helpers/processes.ts';

const OURS = 'pt-sock';
const THEIRS = 'pt-oracle';
const MERGE_PATCH = 'application/merge-patch+json';

let cp: ControlPlane;
let proxy: Background & { address: string };
let world: ProxiedControlPlane | undefined;
let editor: string;
let manifest: (name: string) => string;

test.before(async () => {
  world = await startProxiedControlPlane(async (c) => {
    cp = c;
    for (const ns of [OURS, THEIRS]) await cp.json('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await createRunningPod(cp);
    for (const ns of [OURS, THEIRS]) await createDeployments(cp, ns, [['done', 2], ['slow', 0]]);
    editor = join(cp.dir, 'edit-label.sh');
    writeFileSync(editor, "#!/bin/sh\n# kubectl edit's EDITOR: relabel tier=web as tier=edited in the file it is given.\nsed -i 's/^    tier: web$/    tier: edited/' \"$1\"\n");
    chmodSync(editor, 0o755);
    manifest = (data: string) => {
      const path = join(cp.dir, `cm-${data}.yaml`);
      writeFileSync(path, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n  labels:\n    tier: web\ndata:\n  greeting: ${data}\n`);
      return path;
    };
  });
  proxy = world.proxy;
});

test.after(async () => {
  await world?.stop();
});

async function createRunningPod(c: ControlPlane): Promise<void> {
  await c.json('POST', '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web', labels: { app: 'web' }, annotations: { team: 'sock' } },
    spec: { nodeName: c.nodeName, automountServiceAccountToken: false, containers: [{ name: 'app', image: 'example.invalid/web:1', ports: [{ containerPort: 8080 }] }] },
  });
  // Status given at creation is dropped; a kubelet reports it through the subresource.
  await c.json('PATCH', '/api/v1/namespaces/default/pods/web/status', {
    status: {
      phase: 'Running', hostIP: '127.0.0.1', podIP: '10.88.0.7', startTime: '2026-01-01T00:00:00Z',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:05Z' }],
      containerStatuses: [{ name: 'app', image: 'example.invalid/web:1', imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: '2026-01-01T00:00:03Z' } } }],
    },
  }, MERGE_PATCH);
}

/** kubectl through kubectl-sock's relay and kubectl proxy's socket; the real kubectl is the oracle binary. */
function viaSock(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return sock(['--server', `unix://${proxy.address}`, ...args], { env: { KUBECTL_SOCK_KUBECTL: KUBECTL, ...env } });
}

/** The oracle: kubectl straight to the API server over TLS. */
function direct(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return kubectl(['--kubeconfig', cp.kubeconfig, ...args], { env });
}

/** Masks what two twin objects cannot share: namespace, uid, resourceVersion, creation time. */
function twinText(text: string): string {
  return text
    .replaceAll(OURS, '<ns>').replaceAll(THEIRS, '<ns>')
    .replace(/\b(uid|resourceVersion|creationTimestamp)(["']?:\s*"?)[^"\s,}]+/g, '$1$2<server>');
}

interface CompareOptions {
  /** Run in pt-sock and pt-oracle (with -n) and mask what twins differ in. */
  twins?: boolean;
  env?: Record<string, string>;
}

async function assertSame(args: string[], o: CompareOptions = {}): Promise<RunResult> {
  const ns = (name: string) => (o.twins ? ['-n', name] : []);
  // `get` is native in kubectl-sock: `kubectl sock -- get` makes it pass through, as here.
  const forced = args[0] === 'get' ? ['--'] : [];
  const ours = await viaSock([...forced, ...args, ...ns(OURS)], o.env);
  const theirs = await direct([...args, ...ns(THEIRS)], o.env);
  const prep = o.twins ? twinText : (s: string) => s;
  const label = `kubectl sock ${args.join(' ')}`;
  assert.fixture(prep(ours.stdout), prep(theirs.stdout), `stdout of ${label}`);
  assert.fixture(prep(ours.stderr), prep(theirs.stderr), `stderr of ${label}`);
  assert.is(ours.code, theirs.code, `exit code of ${label}; stderr: ${ours.stderr}`);
  return ours;
}

test('describe pod :: as kubectl over TLS', async () => {
  const r = await assertSame(['describe', 'pod', 'web']);
  assert.match(r.stdout, /^Name: +web$/m);
  assert.match(r.stdout, /^Status: +Running$/m);
  await assertSame(['describe', 'pod', 'nope']);
  await assertSame(['describe', 'pods', '-l', 'app=web']);
});

test('apply -f, get, apply again, get, delete, get :: as kubectl over TLS, step by step', async () => {
  const created = await assertSame(['apply', '-f', manifest('hello')], { twins: true });
  assert.is(created.stdout, 'configmap/demo created\n');
  await assertSame(['get', 'configmap', 'demo', '-o', 'yaml'], { twins: true });
  const configured = await assertSame(['apply', '-f', manifest('again')], { twins: true });
  assert.is(configured.stdout, 'configmap/demo configured\n');
  const got = await assertSame(['get', 'configmap', 'demo', '-o', 'jsonpath={.data.greeting}'], { twins: true });
  assert.is(got.stdout, 'again');
  await assertSame(['apply', '-f', manifest('again')], { twins: true });
  const deleted = await assertSame(['delete', 'configmap', 'demo'], { twins: true });
  assert.is(deleted.stdout, 'configmap "demo" deleted\n');
  const gone = await assertSame(['get', 'configmap', 'demo'], { twins: true });
  assert.is(gone.code, 1);
});

test('edit :: a scripted EDITOR changes a label, then an edit without changes is cancelled', async () => {
  await assertSame(['apply', '-f', manifest('edit')], { twins: true });
  const env = { EDITOR: editor };
  const edited = await assertSame(['edit', 'configmap', 'demo'], { twins: true, env });
  assert.is(edited.stdout, 'configmap/demo edited\n');
  const label = await assertSame(['get', 'configmap', 'demo', '-o', 'jsonpath={.metadata.labels.tier}'], { twins: true });
  assert.is(label.stdout, 'edited');
  const unchanged = await assertSame(['edit', 'configmap', 'demo'], { twins: true, env });
  assert.is(unchanged.stderr, 'Edit cancelled, no changes made.\n');
  await assertSame(['delete', 'configmap', 'demo'], { twins: true });
});

test('rollout status :: a finished rollout (watched to its end) and one still waiting', async () => {
  const done = await assertSame(['rollout', 'status', 'deployment/done', '--timeout=30s'], { twins: true });
  assert.is(done.stdout, 'deployment "done" successfully rolled out\n');
  const slow = await assertSame(['rollout', 'status', 'deployment/slow', '--watch=false'], { twins: true });
  assert.is(slow.stdout, 'Waiting for deployment "slow" rollout to finish: 0 out of 2 new replicas have been updated...\n');
  await assertSame(['rollout', 'history', 'deployment/done'], { twins: true });
});

test('auth can-i :: allowed, denied when impersonating, and the full list', async () => {
  const yes = await assertSame(['auth', 'can-i', 'create', 'pods']);
  assert.is(yes.stdout, 'yes\n');
  // --as is a connection flag: kubectl-sock's transport impersonates, not the kubectl it runs.
  const no = await assertSame(['auth', 'can-i', 'create', 'pods', '--as=nobody']);
  assert.is(no.stdout, 'no\n');
  assert.is(no.code, 1);
  await assertSame(['auth', 'can-i', '--list']);
});

test('api-resources :: as kubectl over TLS', async () => {
  const r = await assertSame(['api-resources']);
  assert.match(r.stdout, /^deployments +deploy +apps\/v1 +true +Deployment$/m);
  await assertSame(['api-resources', '--api-group=apps', '-o', 'wide']);
  await assertSame(['api-versions']);
});

test.run();
