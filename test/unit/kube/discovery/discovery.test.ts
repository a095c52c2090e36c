import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { discover, discoveryCacheDir, fetchDiscovery, type Discovery } from '../../../../plugin/kube/discovery/discovery.ts';
import { collectionPath, expandCategory, resolveResourceType } from '../../../../plugin/kube/discovery/rest-mapper.ts';
import { KubeClient } from '../../../../plugin/kube/rest/client.ts';
import { resolveServerAddress } from '../../../../plugin/transport/address.ts';
import { newKlog } from '../../../../plugin/klog.ts';
import { startFakeApiServer, type FakeApiServer } from '../../../helpers/fake-apiserver.ts';
import { testCtx } from '../../../helpers/context.ts';
import { tempDir } from '../../../helpers/kubeconfig-builder.ts';

let api: FakeApiServer;
let client: KubeClient;
let d: Discovery;
const dir = tempDir('ksock-disc-');

test.before(async () => {
  api = await startFakeApiServer({ unixSocket: join(dir, 'api.sock') });
  const { ctx } = testCtx();
  const address = resolveServerAddress(api.unixUrl as string, { baseDir: '/', home: '/', defaultTLS: false });
  client = new KubeClient(ctx, {
    address, tls: { insecure: false }, credentials: {}, impersonate: { groups: [], extra: {} },
    namespace: 'default', namespaceExplicit: false, contextName: '', timeoutMs: 0, disableCompression: false, credentialsDropped: false,
  }, newKlog(0, ctx.streams.errOut, () => new Date(), 1));
  d = await fetchDiscovery(client);
});

test.after(async () => {
  await client.close();
  await api.close();
});

test('fetchDiscovery :: aggregated discovery is asked for first, as kubectl 1.32 does', () => {
  const first = api.requests.find((r) => r.url.startsWith('/api?'));
  assert.match(String(first?.headers['accept']), /^application\/json;g=apidiscovery\.k8s\.io;v=v2;as=APIGroupDiscoveryList/);
  assert.not.ok(api.requests.some((r) => r.url.startsWith('/api/v1?')), 'no legacy walk when aggregated answered');
});

const names: [string, string][] = [
  ['pods', 'pods'], ['pod', 'pods'], ['po', 'pods'], ['Pod', 'pods'], ['PODS', 'pods'],
  ['deployments.apps', 'deployments.apps'], ['deploy', 'deployments.apps'], ['deploy.apps', 'deployments.apps'],
  ['deployments.v1.apps', 'deployments.apps'], ['deploy.v1.apps', 'deployments.apps'], ['Deployment.apps', 'deployments.apps'],
  ['svc', 'services'], ['ns', 'namespaces'], ['cm', 'configmaps'],
];
for (const [arg, expected] of names) {
  test(`resolveResourceType :: ${arg}`, () => {
    const r = resolveResourceType(arg, d);
    assert.is(r.group ? `${r.resource}.${r.group}` : r.resource, expected);
  });
}

test('resolveResourceType :: unknown names fail in kubectl words', () => {
  assert.throws(() => resolveResourceType('foo', d), (e: Error) => e.message === 'the server doesn\'t have a resource type "foo"');
  assert.throws(() => resolveResourceType('pods.nosuchgroup', d), (e: Error) => e.message === 'the server doesn\'t have a resource type "pods"');
});

test('expandCategory :: all, in discovery order', () => {
  const all = expandCategory('all', d).map((r) => r.resource);
  assert.ok(all.indexOf('pods') >= 0 && all.indexOf('pods') < all.indexOf('deployments'), all.join(','));
  assert.not.ok(all.includes('configmaps'));
});

test('collectionPath :: namespaced and cluster-scoped', () => {
  assert.is(collectionPath(resolveResourceType('po', d), 'ns1'), '/api/v1/namespaces/ns1/pods');
  assert.is(collectionPath(resolveResourceType('po', d), undefined), '/api/v1/pods');
  assert.is(collectionPath(resolveResourceType('deploy', d), 'x'), '/apis/apps/v1/namespaces/x/deployments');
  assert.is(collectionPath(resolveResourceType('ns', d), 'x'), '/api/v1/namespaces');
});

test('discover :: cached for 6 hours, keyed per socket, then refreshed', async () => {
  const cache = join(dir, 'cache');
  const now = () => new Date();
  const first = await discover({ client, cacheDir: cache, now });
  assert.is(first.fromCache, false);
  const folder = discoveryCacheDir(cache, client.config.address);
  assert.ok(existsSync(folder), folder);
  assert.match(folder, /discovery\/unix_.*api\.sock_[0-9a-f]{16}$/);
  const before = api.requests.length;
  const second = await discover({ client, cacheDir: cache, now });
  assert.is(second.fromCache, true);
  assert.is(api.requests.length, before, 'no request while the cache is fresh');
  const file = join(folder, readdirSync(folder)[0] as string);
  const old = new Date(Date.now() - 7 * 3600_000);
  utimesSync(file, old, old);
  const third = await discover({ client, cacheDir: cache, now });
  assert.is(third.fromCache, false, 'older than 6 h: fetched again');
});

test('fetchDiscovery :: a server without aggregated discovery is walked group version by group version', async () => {
  api.faults.push(
    { kind: 'status', code: 200, body: { kind: 'APIVersions', versions: ['v1'] }, match: (r) => r.url.startsWith('/api?') },
    {
      kind: 'status', code: 200, match: (r) => r.url.startsWith('/apis?'),
      body: { kind: 'APIGroupList', apiVersion: 'v1', groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }] },
    },
  );
  const legacy = await fetchDiscovery(client);
  assert.ok(api.requests.some((r) => r.url.startsWith('/api/v1?')) && api.requests.some((r) => r.url.startsWith('/apis/apps/v1?')));
  assert.is(resolveResourceType('po', legacy).kind, 'Pod');
  assert.is(resolveResourceType('deploy', legacy).group, 'apps');
  assert.not.ok(legacy.resources.some((r) => r.resource.includes('/')), 'subresources are not types');
});

test('discoveryCacheDir :: https servers use kubectl\'s own folder name', () => {
  const a = resolveServerAddress('https://127.0.0.1:6443', { baseDir: '/', home: '/', defaultTLS: false });
  assert.is(discoveryCacheDir('/c', a), '/c/discovery/127.0.0.1_6443');
});

test.run();
