import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Authenticator } from '../../../../plugin/kube/clientcmd/auth.ts';
import type { ExecConfig } from '../../../../plugin/kube/clientcmd/kubeconfig-types.ts';
import { testCtx } from '../../../helpers/context.ts';
import { tempDir } from '../../../helpers/kubeconfig-builder.ts';
import { makePki } from '../../../helpers/certs.ts';

const plugin = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'exec-plugin.sh');
const noImpersonation = { groups: [], extra: {} };

function execCtx(output: unknown, extra: Record<string, string> = {}) {
  const dir = tempDir();
  const count = join(dir, 'count');
  const env = { PATH: process.env['PATH'], TEST_OUTPUT: JSON.stringify(output), TEST_COUNT_FILE: count, ...extra };
  const t = testCtx({ env });
  return { ...t, runs: () => readFileSync(count, 'utf8').split('\n').filter(Boolean).length };
}

const v1 = (status: Record<string, unknown>) => ({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status });
const exec = (over: Partial<ExecConfig> = {}): ExecConfig => ({
  command: plugin,
  apiVersion: 'client.authentication.k8s.io/v1',
  interactiveMode: 'Never',
  ...over,
});

test('Authenticator :: token, basic and impersonation headers', async () => {
  const { ctx } = testCtx();
  assert.equal(await new Authenticator(ctx, { token: 't' }, noImpersonation).headers(), { authorization: 'Bearer t' });
  const basic = await new Authenticator(ctx, { username: 'u', password: 'p' }, noImpersonation).headers();
  assert.is(basic['authorization'], `Basic ${Buffer.from('u:p').toString('base64')}`);
  const imp = await new Authenticator(ctx, {}, { user: 'bob', uid: '7', groups: ['a', 'b'], extra: { scopes: ['x'] } }).headers();
  assert.equal(imp, { 'impersonate-user': 'bob', 'impersonate-uid': '7', 'impersonate-group': ['a', 'b'], 'impersonate-extra-scopes': ['x'] });
});

test('Authenticator :: exec plugin gets KUBERNETES_EXEC_INFO and its token is cached until expiry', async () => {
  const future = new Date(Date.now() + 3600_000).toISOString();
  const t = execCtx(v1({ token: 'exec-token', expirationTimestamp: future }));
  const auth = new Authenticator(t.ctx, { exec: exec({ env: [{ name: 'EXTRA', value: '1' }] }) }, noImpersonation);
  assert.equal(await auth.headers(), { authorization: 'Bearer exec-token' });
  await auth.headers();
  assert.is(t.runs(), 1);
  assert.is(t.err.text().trim(), '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}');
  auth.invalidate();
  await auth.headers();
  assert.is(t.runs(), 2, 'a 401 (invalidate) runs the plugin again');
});

test('Authenticator :: an expired exec credential is fetched again', async () => {
  const past = new Date(Date.now() - 1000).toISOString();
  const t = execCtx(v1({ token: 'old', expirationTimestamp: past }));
  const auth = new Authenticator(t.ctx, { exec: exec() }, noImpersonation);
  await auth.headers();
  await auth.headers();
  assert.is(t.runs(), 2);
});

test('Authenticator :: provideClusterInfo sends the cluster in client-go field order', async () => {
  const t = execCtx(v1({ token: 'x' }));
  const cluster = { server: 'https://k:6443', 'certificate-authority-data': 'Q0E=', extensions: [{ name: 'client.authentication.k8s.io/exec', extension: { a: 1 } }] };
  await new Authenticator(t.ctx, { exec: exec({ provideClusterInfo: true }), execCluster: cluster }, noImpersonation).headers();
  assert.is(
    t.err.text().trim(),
    '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"cluster":{"server":"https://k:6443","certificate-authority-data":"Q0E=","config":{"a":1}},"interactive":false}}',
  );
});

test('Authenticator :: exec client certificates', async () => {
  const pki = await makePki(join(tempDir(), 'pki'));
  const t = execCtx(v1({ clientCertificateData: pki.client.cert, clientKeyData: pki.client.key }));
  const cert = await new Authenticator(t.ctx, { exec: exec() }, noImpersonation).clientCertificate();
  assert.is(cert?.cert.toString(), pki.client.cert);
  assert.is(cert?.key.toString(), pki.client.key);
});

const failures: [string, unknown, Partial<ExecConfig>, Record<string, string>, string][] = [
  ['no status', { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential' }, {}, {}, "exec plugin didn't return a status field"],
  ['empty status', v1({}), {}, {}, "exec plugin didn't return a token or cert/key pair"],
  ['cert without key', v1({ clientCertificateData: 'C' }), {}, {}, 'exec plugin returned only certificate or key, not both'],
  ['failing plugin', v1({ token: 'x' }), {}, { TEST_EXIT_CODE: '3' }, `exec: executable ${plugin} failed with exit code 3`],
  ['bad apiVersion', v1({ token: 'x' }), { apiVersion: 'client.authentication.k8s.io/v2' }, {}, 'exec plugin: invalid apiVersion "client.authentication.k8s.io/v2"'],
  ['Always without a terminal', v1({ token: 'x' }), { interactiveMode: 'Always' }, {}, 'exec plugin cannot support interactive mode: standard input is not a terminal'],
];
for (const [name, output, over, env, message] of failures) {
  test(`Authenticator :: ${name}`, async () => {
    const t = execCtx(output, env);
    try {
      await new Authenticator(t.ctx, { exec: exec(over) }, noImpersonation).headers();
      assert.unreachable('should fail');
    } catch (e) {
      // client-go's exec round tripper fails the request: "getting credentials: …" (kubectl prints "Unable to connect to the server: " first).
      assert.is((e as Error).message, `getting credentials: ${message}`);
    }
  });
}

test('Authenticator :: a missing plugin explains itself', async () => {
  const t = execCtx({});
  try {
    await new Authenticator(t.ctx, { exec: exec({ command: 'no-such-plugin-xyz' }) }, noImpersonation).headers();
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /^getting credentials: exec: executable no-such-plugin-xyz not found\n\nIt looks like you are trying to use a client-go credential plugin that is not installed\./);
  }
});

test('Authenticator :: a plugin named by a path that is missing fails as fork/exec', async () => {
  const t = execCtx({});
  try {
    await new Authenticator(t.ctx, { exec: exec({ command: '/nonexistent-dir/plugin' }) }, noImpersonation).headers();
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).message, 'getting credentials: exec: fork/exec /nonexistent-dir/plugin: no such file or directory');
  }
});

test("Authenticator :: installHint follows client-go's own paragraph", async () => {
  const t = execCtx({});
  try {
    await new Authenticator(t.ctx, { exec: exec({ command: 'no-such-plugin-xyz', installHint: 'apt install xyz' }) }, noImpersonation).headers();
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /client-go-credential-plugins\n\napt install xyz$/);
  }
});

test.run();
