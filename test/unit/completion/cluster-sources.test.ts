// Completion's sources against the fake API server on a unix socket: names of
// any type (every page), resource types from cached discovery, containers of a
// pod or of a workload's pod, kubeconfig names; failures answer [].
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FlagValue } from '../../../plugin/cli/flags.ts';
import { clusterSources } from '../../../plugin/completion/cluster-sources.ts';
import { startFakeApiServer, type FakeApiServer, type K8sObject } from '../../helpers/fake-apiserver.ts';
import { testCtx } from '../../helpers/context.ts';
import { kc, tempDir } from '../../helpers/kubeconfig-builder.ts';

const dir = tempDir('ksock-compsrc-');
const cacheDir = join(dir, 'cache');
let api: FakeApiServer;

function pod(namespace: string, name: string, labels: Record<string, string> = {}, containers = ['app'], init: string[] = []): K8sObject {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels },
    spec: { initContainers: init.map((n) => ({ name: n, image: 'i' })), containers: containers.map((n) => ({ name: n, image: 'i' })) },
    status: { phase: 'Running' },
  };
}

test.before(async () => {
  api = await startFakeApiServer({ unixSocket: join(dir, 'api.sock') });
  api.addObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'big' } });
  api.addObject(pod('default', 'web-1', { app: 'web' }, ['nginx', 'sidecar'], ['setup']));
  api.addObject(pod('default', 'api-1', { app: 'api' }));
  for (let i = 0; i < 1100; i++) api.addObject(pod('big', `p-${String(i).padStart(4, '0')}`));
  api.addObject({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'i' }] } } },
  });
});

test.after(async () => {
  await api.close();
});

function sourcesWith(flags: Record<string, FlagValue>, env: Record<string, string> = {}) {
  const t = testCtx({ env, home: join(dir, 'home') });
  const s = clusterSources(t.ctx, new Map(Object.entries({ server: api.unixUrl as string, 'cache-dir': cacheDir, ...flags })));
  return { ...t, s };
}

test('resourceNames :: a type as typed, in the namespace the line names', async () => {
  const { s } = sourcesWith({});
  assert.equal(await s.resourceNames('po'), ['api-1', 'web-1']);
  assert.equal(await s.resourceNames('deploy.apps'), ['web']);
  assert.equal(await s.resourceNames('pods,deployments'), ['api-1', 'web-1', 'web']);
  assert.ok((await s.resourceNames('namespace')).includes('big'));
  await s.close();
});

test('resourceNames :: every page of a long list, 500 at a time', async () => {
  const { s } = sourcesWith({ namespace: 'big' });
  const before = api.requests.length;
  const names = await s.resourceNames('pods');
  assert.is(names.length, 1100);
  assert.is(names[1099], 'p-1099');
  const lists = api.requests.slice(before).filter((r) => r.url.startsWith('/api/v1/namespaces/big/pods?'));
  assert.is(lists.length, 3);
  assert.ok(lists.every((r) => r.url.includes('limit=500')));
  assert.ok(lists[1]?.url.includes('continue='));
  await s.close();
});

test('resourceNames :: an unknown type or a namespace with nothing answers []', async () => {
  const { s } = sourcesWith({ namespace: 'nowhere' });
  assert.equal(await s.resourceNames('nosuchtype'), []);
  assert.equal(await s.resourceNames('pods'), []);
  await s.close();
});

test('resourceTypes :: api-resources -o name --verbs=get: sorted by group, then name; served from the discovery cache', async () => {
  const { s } = sourcesWith({});
  const types = await s.resourceTypes();
  assert.ok(types.includes('pods') && types.includes('deployments.apps'));
  const group = (t: string) => t.split('.').slice(1).join('.');
  const sorted = [...types].sort((a, b) => group(a).localeCompare(group(b)) || a.localeCompare(b));
  assert.equal(types, sorted);
  assert.ok(existsSync(join(cacheDir, 'discovery')) && readdirSync(join(cacheDir, 'discovery')).length > 0);
  await s.close();
  const again = sourcesWith({}).s;
  const before = api.requests.length;
  assert.equal(await again.resourceTypes(), types);
  assert.not.ok(api.requests.slice(before).some((r) => r.url.startsWith('/api?') || r.url.startsWith('/apis?')), 'discovery came from the cache');
  await again.close();
});

test('containers :: init containers then containers, of a pod or of a workload\'s pod', async () => {
  const { s } = sourcesWith({});
  assert.equal(await s.containers('web-1'), ['setup', 'nginx', 'sidecar']);
  assert.equal(await s.containers('pod/api-1'), ['app']);
  assert.equal(await s.containers('deployments/web'), ['setup', 'nginx', 'sidecar']);
  assert.equal(await s.containers('missing'), []);
  await s.close();
});

test('server down :: every answer is [], nothing thrown', async () => {
  const t = testCtx({ home: join(dir, 'home') });
  const s = clusterSources(t.ctx, new Map([['server', `unix://${join(dir, 'no-such.sock')}`], ['cache-dir', join(dir, 'cache-down')]]));
  assert.equal(await s.resourceNames('pods'), []);
  assert.equal(await s.resourceTypes(), []);
  assert.equal(await s.containers('web-1'), []);
  assert.equal(t.out.text() + t.err.text(), '');
  await s.close();
});

test('a server that does not answer :: the request is abandoned when the signal fires', async () => {
  api.faults.push({ kind: 'slow', delayMs: 60_000, match: (r) => r.url.startsWith('/api/v1/namespaces/default/pods?') });
  const t = testCtx({ home: join(dir, 'home') });
  const s = clusterSources(t.ctx, new Map<string, FlagValue>([['server', api.unixUrl as string], ['cache-dir', cacheDir]]));
  setTimeout(() => t.abort.abort(), 200);
  const started = Date.now();
  assert.equal(await s.resourceNames('pods'), []);
  assert.ok(Date.now() - started < 10_000);
  api.faults.length = 0;
  await s.close();
});

test('kubeconfig names :: from --kubeconfig, else the KUBECONFIG files merged, sorted', async () => {
  const a = kc().cluster('c-b', { server: 'unix:///x' }).cluster('c-a', { server: 'unix:///y' }).user('u1', {}).context('prod', { cluster: 'c-a', user: 'u1' }).context('dev', { cluster: 'c-b' }).write(join(dir, 'kc-a'));
  const b = kc().cluster('c-z', { server: 'unix:///z' }).user('u0', {}).context('stage', { cluster: 'c-z' }).write(join(dir, 'kc-b'));
  const explicit = sourcesWith({ kubeconfig: a }).s;
  assert.equal(await explicit.contexts(), ['dev', 'prod']);
  assert.equal(await explicit.clusters(), ['c-a', 'c-b']);
  assert.equal(await explicit.users(), ['u1']);
  const merged = sourcesWith({}, { KUBECONFIG: `${a}:${b}` }).s;
  assert.equal(await merged.contexts(), ['dev', 'prod', 'stage']);
  assert.equal(await merged.users(), ['u0', 'u1']);
  assert.equal(await sourcesWith({ kubeconfig: join(dir, 'missing') }).s.contexts(), []);
});

test.run();
