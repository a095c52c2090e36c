// The shared relay's private state: the state folder and its checks, relay
// names and ports, the kubeconfig files, and what a run's inputs remember.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, chownSync, mkdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateRoot } from '../../../plugin/shared-relay/state-dir.ts';
import { preferredPort, relayName } from '../../../plugin/shared-relay/relay-key.ts';
import { kubeconfigPath, renewKubeconfigs, writeRelayKubeconfig } from '../../../plugin/shared-relay/relay-files.ts';
import { recall, remember, runInputs } from '../../../plugin/shared-relay/recent.ts';
import { tempDir } from '../../helpers/kubeconfig-builder.ts';
import { testCtx } from '../../helpers/context.ts';

const uid = process.getuid?.() as number;

test('stateRoot :: $XDG_RUNTIME_DIR/kubectl-sock when it exists, else TMPDIR/kubectl-sock-UID; both 0700', () => {
  const xdg = tempDir();
  const tmp = tempDir();
  assert.is(stateRoot({ env: { XDG_RUNTIME_DIR: xdg }, tmpDir: tmp, uid }), join(xdg, 'kubectl-sock'));
  assert.is(statSync(join(xdg, 'kubectl-sock')).mode & 0o777, 0o700);
  for (const env of [{}, { XDG_RUNTIME_DIR: 'relative/dir' }, { XDG_RUNTIME_DIR: join(xdg, 'missing') }]) {
    assert.is(stateRoot({ env, tmpDir: tmp, uid }), join(tmp, `kubectl-sock-${uid}`));
  }
  assert.is(statSync(join(tmp, `kubectl-sock-${uid}`)).mode & 0o777, 0o700);
});

test('stateRoot :: refuses a symlink, a regular file, group or other bits, another owner', () => {
  const cases: Array<[(p: string) => void, RegExp]> = [
    [(p) => symlinkSync(tempDir(), p), /it is a symbolic link/],
    [(p) => writeFileSync(p, ''), /it is not a folder/],
    [(p) => { mkdirSync(p); chmodSync(p, 0o710); }, /its mode is 0710/],
    [(p) => { mkdirSync(p, { mode: 0o700 }); chownSync(p, 65534, 65534); }, /it is owned by uid 65534/],
  ];
  for (const [plant, why] of cases) {
    const tmp = tempDir();
    plant(join(tmp, `kubectl-sock-${uid}`));
    assert.throws(() => stateRoot({ env: {}, tmpDir: tmp, uid }), why);
  }
});

test('relayName :: keyed by a private per-user key: stable, different per identity, never the identity itself', () => {
  const root = tempDir();
  const a = relayName(root, 'identity with token secret-1');
  assert.match(a, /^[0-9a-f]{16}$/);
  assert.is(relayName(root, 'identity with token secret-1'), a);
  assert.is.not(relayName(root, 'identity with token secret-2'), a);
  assert.is(statSync(join(root, 'name-key')).mode & 0o777, 0o600);
  assert.is(readFileSync(join(root, 'name-key')).length, 32);
  // Another user (another key) names the same identity differently.
  assert.is.not(relayName(tempDir(), 'identity with token secret-1'), a);
});

test('preferredPort :: from the name, below the ephemeral range', () => {
  for (const name of ['0000000000000000', 'ffffffffffffffff', '3f2a9c1d0e5b7a61']) {
    const p = preferredPort(name);
    assert.ok(p >= 20000 && p < 32768, String(p));
    assert.is(preferredPort(name), p);
  }
});

test('relay kubeconfigs :: one per context and namespace, 0600; a new relay points the old ones at itself', () => {
  const dir = tempDir();
  const path = kubeconfigPath(dir, 'prod', 'web');
  assert.is.not(kubeconfigPath(dir, 'prod', 'api'), path);
  writeRelayKubeconfig(path, { url: 'https://127.0.0.1:1', caPem: 'OLD CA', token: 'old' }, 'prod', 'web');
  assert.is(statSync(path).mode & 0o777, 0o600);
  renewKubeconfigs(dir, { url: 'https://127.0.0.1:2', caPem: 'NEW CA', token: 'new' });
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(doc.clusters[0].cluster, { server: 'https://127.0.0.1:2', 'certificate-authority-data': Buffer.from('NEW CA').toString('base64') });
  assert.equal(doc.users[0].user, { token: 'new' });
  assert.equal([doc['current-context'], doc.contexts[0].context.namespace], ['prod', 'web']);
});

test('runInputs :: unchanged inputs give the same text; a rewritten kubeconfig, another flag or a credential flag do not', () => {
  const home = tempDir();
  const config = join(home, 'config');
  writeFileSync(config, 'apiVersion: v1\n');
  const { ctx } = testCtx({ env: { KUBECONFIG: config }, home, cwd: '/somewhere' });
  const base = runInputs(ctx, new Map(), 'b1') as string;
  assert.is(runInputs(ctx, new Map(), 'b1'), base);
  assert.is.not(runInputs(ctx, new Map([['namespace', 'x']]), 'b1'), base);
  assert.is.not(runInputs(ctx, new Map(), 'b2'), base);
  assert.is(runInputs(ctx, new Map([['token', 'secret']]), 'b1'), undefined);
  assert.is(runInputs(ctx, new Map([['password', 'secret']]), 'b1'), undefined);
  assert.not.ok(base.includes('/somewhere'), 'no relative path: the working folder does not matter');
  assert.ok((runInputs(ctx, new Map([['server', './api.sock']]), 'b1') as string).includes('/somewhere'));
  utimesSync(config, new Date(), new Date(Date.now() + 5000));
  assert.is.not(runInputs(ctx, new Map(), 'b1'), base);
});

test('recall/remember :: the most recent first, at most 32, 0600', async () => {
  const root = tempDir();
  for (let i = 0; i < 40; i++) await remember(root, { inputs: `in-${i}`, dir: `/d${i}`, kubeconfig: `/d${i}/k` });
  assert.equal(recall(root, 'in-39'), { inputs: 'in-39', dir: '/d39', kubeconfig: '/d39/k' });
  assert.ok(recall(root, 'in-8'));
  assert.is(recall(root, 'in-7'), undefined);
  assert.is(statSync(join(root, 'recent.json')).mode & 0o777, 0o600);
  writeFileSync(join(root, 'recent.json'), 'not json');
  assert.is(recall(root, 'in-39'), undefined);
});

test.run();
