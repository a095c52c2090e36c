// `kubectl sock serve` against a REAL kube-apiserver with RBAC and an audit log.
// The server runs as a service account that may impersonate alice and bob and
// nobody else; each socket belongs to a local user (nobody) and acts as its
// identity. The API server, not kubectl-sock, decides what alice may do, and its
// audit log names alice and bob as the users, with the server as impersonator.
// Oracle: kubectl 1.33 with the admin's credentials and --as, on the same server.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { kubectl } from '../helpers/processes.ts';
import { NOBODY, runAs, socketsDir, startServe, writeServeConfig, type Serve } from '../helpers/serve.ts';
import { call } from '../unit/relay/relay-harness.ts';

const SA = 'system:serviceaccount:kube-sock:serve';
let cp: ControlPlane;
let serve: Serve;
let dir: string;
let serverKubeconfig: string;
const sockPath = (name: string) => join(dir, `${name}.sock`);
const through = (name: string, args: string[]) => runAs(NOBODY, ['--server', `unix://${sockPath(name)}`, ...args]);

test.before(async () => {
  cp = await startControlPlane({ audit: true });
  try {
    await seedRbac(cp);
    serverKubeconfig = await serviceAccountKubeconfig(cp);
    dir = socketsDir();
    const config = writeServeConfig(join(dir, 'serve.yaml'), [
      { path: sockPath('alice'), owner: 'nobody', as: 'alice' },
      { path: sockPath('bob'), owner: String(NOBODY), as: 'bob', asGroups: ['devs'], readOnly: true },
      { path: sockPath('carol'), owner: 'nobody', as: 'carol' },
    ]);
    serve = await startServe(serverKubeconfig, config, ['--audit-log', join(dir, 'audit.log')]);
  } catch (err) {
    await cp.stop();
    throw err;
  }
});

test.after(async () => {
  await serve?.stop();
  await cp?.stop();
});

const json = (c: ControlPlane, path: string, body: unknown) => c.json('POST', path, body);

/** alice reads pods in her namespace; bob may even delete pods in his; the server's account may impersonate both. */
async function seedRbac(c: ControlPlane): Promise<void> {
  for (const ns of ['alice', 'bob', 'kube-sock']) await json(c, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  for (const [ns, user, verbs] of [['alice', 'alice', ['get', 'list', 'watch']], ['bob', 'bob', ['get', 'list', 'watch', 'delete']]] as const) {
    await json(c, `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, { metadata: { name: 'pods' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs }] });
    await json(c, `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
      metadata: { name: 'pods' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pods' }, subjects: [{ kind: 'User', name: user, apiGroup: 'rbac.authorization.k8s.io' }],
    });
    for (const pod of [`${ns}-web`, `${ns}-db`]) {
      await json(c, `/api/v1/namespaces/${ns}/pods`, { metadata: { name: pod }, spec: { nodeName: c.nodeName, automountServiceAccountToken: false, containers: [{ name: 'app', image: 'example.invalid/app:1' }] } });
    }
  }
  await json(c, '/api/v1/namespaces/alice/secrets', { metadata: { name: 'alice-key' }, stringData: { key: 'do-not-show' } });
  await json(c, '/api/v1/namespaces/kube-sock/serviceaccounts', { metadata: { name: 'serve' } });
  await json(c, '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    metadata: { name: 'kube-sock-impersonator' },
    rules: [{ apiGroups: [''], resources: ['users'], verbs: ['impersonate'], resourceNames: ['alice', 'bob'] }, { apiGroups: [''], resources: ['groups'], verbs: ['impersonate'], resourceNames: ['devs'] }],
  });
  await json(c, '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    metadata: { name: 'kube-sock-impersonator' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kube-sock-impersonator' },
    subjects: [{ kind: 'ServiceAccount', name: 'serve', namespace: 'kube-sock' }],
  });
}

/** A kubeconfig for the server's own identity: a bound token of the kube-sock/serve service account. */
async function serviceAccountKubeconfig(c: ControlPlane): Promise<string> {
  const tr = await c.json<{ status: { token: string } }>('POST', '/api/v1/namespaces/kube-sock/serviceaccounts/serve/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } });
  const admin = readFileSync(c.kubeconfig, 'utf8');
  const path = join(c.dir, 'serve.kubeconfig');
  writeFileSync(path, admin.replace(/name: admin\n  user:\n    token: .*/, `name: admin\n  user:\n    token: ${tr.status.token}`), { mode: 0o600 });
  assert.is.not(readFileSync(path, 'utf8'), admin, 'the admin token was replaced');
  return path;
}

test('serve :: every socket is its owner\'s (nobody), mode 0600', () => {
  for (const name of ['alice', 'bob', 'carol']) {
    const st = lstatSync(sockPath(name));
    assert.ok(st.isSocket(), name);
    assert.is(st.uid, NOBODY, name);
    assert.is(st.mode & 0o777, 0o600, name);
  }
});

test('serve :: alice\'s socket lists the pods of her namespace, as kubectl --as alice does', async () => {
  for (const args of [['get', 'pods', '-n', 'alice', '-o', 'name'], ['get', 'pods', '-n', 'alice', '-o', 'custom-columns=NAME:.metadata.name,NODE:.spec.nodeName']]) {
    const ours = await through('alice', args);
    const oracle = await kubectl(['--kubeconfig', cp.kubeconfig, '--as', 'alice', ...args]);
    assert.is(oracle.code, 0, oracle.stderr);
    assert.is(ours.stdout, oracle.stdout, args.join(' '));
    assert.is(ours.stderr, '');
    assert.is(ours.code, 0);
  }
  assert.match((await through('alice', ['get', 'pods', '-n', 'alice'])).stdout, /^NAME +READY +STATUS +RESTARTS +AGE\nalice-db /);
});

test('serve :: a secret through alice\'s socket gets kubectl\'s own Forbidden error, byte for byte', async () => {
  for (const args of [['get', 'secret', 'alice-key', '-n', 'alice'], ['get', 'pods', '-n', 'bob']]) {
    const ours = await through('alice', args);
    const oracle = await kubectl(['--kubeconfig', cp.kubeconfig, '--as', 'alice', ...args]);
    assert.match(oracle.stderr, /^Error from server \(Forbidden\): .* is forbidden: User "alice" cannot /);
    assert.is(ours.stderr, oracle.stderr, args.join(' '));
    assert.is(ours.stdout, oracle.stdout);
    assert.is(ours.code, oracle.code);
  }
});

test('serve :: bob\'s read-only socket refuses a delete with a 403 that says why; the pod stays', async () => {
  const del = await through('bob', ['delete', 'pod', 'bob-web', '-n', 'bob']);
  assert.is(del.stderr, `Error from server (Forbidden): kubectl sock serve: ${sockPath('bob')} is read-only: DELETE is not allowed; only GET, HEAD and watch requests are\n`);
  assert.is(del.code, 1);
  const still = await cp.request('GET', '/api/v1/namespaces/bob/pods/bob-web');
  assert.is(still.status, 200, 'bob-web was not deleted');
  // What RBAC lets bob read still works through it.
  const get = await through('bob', ['get', 'pods', '-n', 'bob', '-o', 'name']);
  assert.is(get.stdout, 'pod/bob-db\npod/bob-web\n', get.stderr);
});

test('serve :: the API server refuses an identity the server may not impersonate, in its own words', async () => {
  // Both with no discovery cache: kubectl then meets the refusal at discovery and prints client-go's E lines before it.
  const ours = await through('carol', ['get', 'pods', '-n', 'alice']);
  const home = tempDir('ksock-serve-oracle-home-');
  const oracle = await kubectl(['--kubeconfig', serverKubeconfig, '--as', 'carol', 'get', 'pods', '-n', 'alice'], { env: { HOME: home } });
  const klogHeader = (text: string) => text.replace(/^E\d{4} [\d:.]+ +\d+ /gm, 'E… ');
  assert.match(oracle.stderr, /"couldn't get current server API group list: unknown"\n/);
  assert.is(klogHeader(ours.stderr), klogHeader(oracle.stderr));
  assert.is(ours.stdout, oracle.stdout);
  assert.is(ours.code, oracle.code);
  // With discovery cached (the server's own identity may discover), kubectl prints the API server's refusal itself.
  await kubectl(['--kubeconfig', serverKubeconfig, 'get', 'pods', '-n', 'alice'], { env: { HOME: home } });
  const warm = await kubectl(['--kubeconfig', serverKubeconfig, '--as', 'carol', 'get', 'pods', '-n', 'alice'], { env: { HOME: home } });
  assert.is(warm.stderr, `Error from server (Forbidden): users "carol" is forbidden: User "${SA}" cannot impersonate resource "users" in API group "" at the cluster scope\n`);
});

test('serve :: a client cannot choose its identity: its own Authorization and Impersonate-* never reach the server', async () => {
  const review = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
  const r = await call(sockPath('alice'), 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
    'content-type': 'application/json', authorization: `Bearer ${cp.token}`, 'impersonate-user': 'admin', 'impersonate-group': 'system:masters',
  }, review);
  assert.is(r.status, 201, r.body);
  const info = (JSON.parse(r.body) as { status: { userInfo: { username: string; groups: string[] } } }).status.userInfo;
  assert.is(info.username, 'alice');
  assert.not.ok(info.groups.includes('system:masters'), info.groups.join(','));
  const bob = await call(sockPath('bob'), 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { 'content-type': 'application/json' }, review);
  // A POST on a read-only socket is refused before it leaves.
  assert.is(bob.status, 403);
});

interface AuditEvent {
  verb: string;
  requestURI: string;
  user: { username: string };
  impersonatedUser?: { username: string; groups?: string[] };
  responseStatus?: { code: number };
}

test('serve :: the API server\'s audit log names alice and bob as the users and the server as the impersonator', async () => {
  const events = readFileSync(cp.auditLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditEvent);
  // The oracle's requests come from admin with --as; every other one acting as alice or bob is the server's.
  const as = (name: string) => events.filter((e) => e.impersonatedUser?.username === name && e.user.username !== 'admin');
  for (const name of ['alice', 'bob']) {
    const mine = as(name);
    assert.ok(mine.length > 0, `events for ${name}`);
    assert.equal([...new Set(mine.map((e) => e.user.username))], [SA], `${name}'s requests were made by ${SA}`);
  }
  assert.ok(as('alice').some((e) => e.requestURI.startsWith('/api/v1/namespaces/alice/pods') && e.verb === 'list' && e.responseStatus?.code === 200));
  assert.ok(as('alice').some((e) => e.requestURI.startsWith('/api/v1/namespaces/alice/secrets/alice-key') && e.responseStatus?.code === 403));
  // The API server adds system:authenticated to an impersonated user's groups.
  assert.equal(as('bob').find((e) => e.requestURI.startsWith('/api/v1/namespaces/bob/pods'))?.impersonatedUser?.groups, ['devs', 'system:authenticated']);
  // bob's delete never reached the API server.
  assert.not.ok(events.some((e) => e.verb === 'delete' && e.requestURI.includes('bob-web')));
  // Nobody came in as alice or bob directly, or as the admin through a socket.
  assert.not.ok(events.some((e) => ['alice', 'bob'].includes(e.user.username)));
});

test('serve :: its own audit log has a line per request with socket, owner and identity', () => {
  const lines = readFileSync(join(dir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const secret = lines.find((l) => String(l['path']).startsWith('/api/v1/namespaces/alice/secrets/alice-key'));
  assert.equal(Object.keys(secret ?? {}), ['time', 'socket', 'owner', 'identity', 'method', 'path', 'status', 'bytes', 'duration_ms']);
  assert.is(secret?.['socket'], sockPath('alice'));
  assert.is(secret?.['owner'], 'nobody');
  assert.equal(secret?.['identity'], { username: 'alice' });
  assert.is(secret?.['status'], 403);
  const del = lines.find((l) => l['method'] === 'DELETE');
  assert.equal(del && [del['socket'], del['owner'], del['identity'], del['status']], [sockPath('bob'), String(NOBODY), { username: 'bob', groups: ['devs'] }, 403]);
});

test.run();
