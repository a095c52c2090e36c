import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveClientConfig } from '../../../../plugin/kube/clientcmd/client-config.ts';
import type { KubeFlags } from '../../../../plugin/kube/clientcmd/kubeconfig-types.ts';
import { kc, tempDir } from '../../../helpers/kubeconfig-builder.ts';
import { failureOf } from '../../../helpers/rejection.ts';

const dir = tempDir();
const config = kc()
  .cluster('tls', { server: 'https://127.0.0.1:6443', 'certificate-authority-data': Buffer.from('CA').toString('base64'), 'tls-server-name': 'kubernetes' })
  .cluster('sock', { server: 'unix:///run/kube.sock' })
  .cluster('noserver', {})
  .user('alice', { token: 'secret', as: 'bob', 'as-groups': ['g1'] })
  .user('both', { token: 't', username: 'u', password: 'p' })
  .context('tls-ctx', { cluster: 'tls', user: 'alice', namespace: 'team' })
  .context('sock-ctx', { cluster: 'sock', user: 'alice' })
  .context('dangling', { cluster: 'nosuch', user: 'alice' })
  .context('bad-user', { cluster: 'tls', user: 'both' })
  .context('bad-ns', { cluster: 'tls', user: 'alice', namespace: 'Not_A_Label' })
  .context('no-server', { cluster: 'noserver', user: 'alice' })
  .current('tls-ctx')
  .write(join(dir, 'config'));

const resolve = (flags: KubeFlags = {}, env: Record<string, string> = {}) =>
  resolveClientConfig({ flags: { kubeconfig: config, ...flags }, env, home: '/home/u', cwd: dir });

test('resolveClientConfig :: current context, its namespace, CA and credentials over TLS', async () => {
  const c = await resolve();
  assert.is(c.contextName, 'tls-ctx');
  assert.is(c.namespace, 'team');
  assert.is(c.address.transport === 'tcp' && c.address.url.href, 'https://127.0.0.1:6443/');
  assert.is(c.tls.caData?.toString(), 'CA');
  assert.is(c.tls.serverName, 'kubernetes');
  assert.is(c.credentials.token, 'secret');
  assert.equal(c.impersonate, { user: 'bob', uid: undefined, groups: ['g1'], extra: {} });
});

test('resolveClientConfig :: --server clears the kubeconfig tls-server-name unless given too', async () => {
  assert.is((await resolve({ server: 'https://10.0.0.1:6443' })).tls.serverName, undefined);
  assert.is((await resolve({ server: 'https://10.0.0.1:6443', tlsServerName: 'x' })).tls.serverName, 'x');
});

test('resolveClientConfig :: -n beats the context namespace; default is "default"', async () => {
  assert.is((await resolve({ namespace: 'other' })).namespace, 'other');
  assert.is((await resolve({ context: 'sock-ctx' })).namespace, 'default');
});

test('resolveClientConfig :: a socket server never carries credentials', async () => {
  const c = await resolve({ context: 'sock-ctx' });
  assert.is(c.address.transport, 'unix');
  assert.equal(c.credentials, {});
  assert.ok(c.credentialsDropped);
});

test('resolveClientConfig :: --server unix:// over a TLS context drops the token too', async () => {
  const c = await resolve({ server: '/run/other.sock' });
  assert.equal(c.credentials, {});
});

test('resolveClientConfig :: a context whose cluster is missing falls back to localhost:8080, as kubectl', async () => {
  const c = await resolve({ context: 'dangling' });
  assert.is(c.address.transport === 'tcp' && c.address.hostPort, 'localhost:8080');
});

test('resolveClientConfig :: KUBERNETES_MASTER is the default server', async () => {
  const c = await resolve({ context: 'no-server' }, { KUBERNETES_MASTER: 'http://10.1.1.1:8080' });
  assert.is(c.address.transport === 'tcp' && c.address.hostPort, '10.1.1.1:8080');
});

const failures: [KubeFlags, string][] = [
  [{ context: 'nosuch' }, 'context "nosuch" does not exist'],
  [{ cluster: 'nosuch' }, 'cluster "nosuch" does not exist'],
  [{ user: 'nosuch' }, 'auth info "nosuch" does not exist'],
  [{ context: 'bad-user' }, 'more than one authentication method found for both; found [token basicAuth], only one is allowed'],
  [{ requestTimeout: 'abc' }, 'Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)'],
  [{ server: 'unix://' }, 'unsupported server address "unix://": use one of unix:///path/to.sock, unix:/path/to.sock, /path/to.sock, ~/path/to.sock, https+unix:///path/to.sock, tcp://host[:port], http://host[:port], https://host[:port], host:port'],
];
for (const [flags, message] of failures) {
  test(`resolveClientConfig :: ${JSON.stringify(flags)} fails in kubectl's words`, async () => {
    assert.is(await failureOf(resolve(flags)).then((e) => e.message), message);
  });
}

test('resolveClientConfig :: a context namespace that is no DNS label is kubectl 1.33\'s problem for the server, not a configuration error', async () => {
  const c = await resolve({ context: 'bad-ns' });
  assert.is(c.namespace, 'Not_A_Label');
});

const namespaceFirst: [KubeFlags, string, boolean][] = [
  [{ context: 'nosuch' }, 'context was not found for specified context: nosuch', true],
  [{ cluster: 'nosuch' }, 'no server found for cluster "nosuch"', false],
  [{ user: 'nosuch' }, 'auth info "nosuch" does not exist', false],
  [{ context: 'nosuch', cluster: 'nosuch2' }, '\n* context was not found for specified context: nosuch\n* no server found for cluster "nosuch2"', true],
  // -n skips ConfirmUsable (client-go Namespace() returns the override at once).
  [{ context: 'nosuch', namespace: 'x' }, 'context "nosuch" does not exist', false],
];
for (const [flags, message, invalid] of namespaceFirst) {
  test(`resolveClientConfig :: namespace first (get, logs) :: ${JSON.stringify(flags)} in ConfirmUsable's words`, async () => {
    const e = await failureOf(resolveClientConfig({ flags: { kubeconfig: config, ...flags }, env: {}, home: '/h', cwd: dir, namespaceFirst: true }));
    assert.is(e.message, message);
    assert.is((e as Error & { invalidConfiguration?: boolean }).invalidConfiguration, invalid);
  });
}

test('resolveClientConfig :: a current-context that names no context is an invalid configuration', async () => {
  const file = kc().current('gone').write(join(dir, 'gone.kubeconfig'));
  const e = await failureOf(resolveClientConfig({ flags: { kubeconfig: file }, env: {}, home: '/h', cwd: dir }));
  assert.is(e.message, 'context was not found for specified context: gone');
  assert.is((e as Error & { invalidConfiguration?: boolean }).invalidConfiguration, true);
});

test('resolveClientConfig :: in-cluster config when nothing is configured', async () => {
  const sa = join(dir, 'sa');
  mkdirSync(sa, { recursive: true });
  writeFileSync(join(sa, 'token'), 'sa-token\n');
  writeFileSync(join(sa, 'namespace'), 'pods-ns');
  const c = await resolveClientConfig({
    flags: {},
    env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' },
    home: join(dir, 'empty-home'),
    cwd: dir,
    serviceAccountDir: sa,
  });
  assert.is(c.address.transport === 'tcp' && c.address.url.href, 'https://10.96.0.1/');
  assert.is(c.namespace, 'pods-ns');
  assert.is(c.credentials.tokenFile, join(sa, 'token'));
  assert.is(c.tls.caFile, join(sa, 'ca.crt'));
});

test.run();
