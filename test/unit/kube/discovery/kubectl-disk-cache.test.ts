// kubectl's own discovery cache files, as kubectl 1.33 writes them (client-go
// discovery/cached/disk: servergroups.json, then GROUP/VERSION/serverresources.json
// per group version), read and cleared by kubectl-sock so the two keep one cache.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DISCOVERY_TTL_MS, fetchDiscovery, type Discovery } from '../../../../plugin/kube/discovery/discovery.ts';
import { clearKubectlCache, kubectlCacheTime, readKubectlCache } from '../../../../plugin/kube/discovery/kubectl-disk-cache.ts';
import { KubeClient } from '../../../../plugin/kube/rest/client.ts';
import { resolveServerAddress } from '../../../../plugin/transport/address.ts';
import { newKlog } from '../../../../plugin/klog.ts';
import { testCtx } from '../../../helpers/context.ts';
import { tempDir } from '../../../helpers/kubeconfig-builder.ts';
import { kubectlOnFakeServer, serverGroupsFiles, type KubectlOnFakeServer } from '../../../helpers/kubectl-discovery-cache.ts';

const root = tempDir('ksock-kdc-');
let server: KubectlOnFakeServer;
/** kubectl 1.33's own cache folder for the fake server, as its `api-resources` left it. */
let written: string;
/** Its group versions' files, relative to the folder ("v1/serverresources.json", "apps/v1/serverresources.json", …). */
let resourceFiles: string[];
/** What kubectl-sock's own fetch finds on the same server. */
let fetched: Discovery;

test.before(async () => {
  server = await kubectlOnFakeServer(root);
  const r = await server.run(['--cache-dir', join(root, 'kubectl'), 'api-resources']);
  assert.is(r.code, 0, r.stderr);
  written = join(root, 'kubectl', 'discovery', server.folder);
  resourceFiles = (readdirSync(written, { recursive: true, encoding: 'utf8' }) as string[]).filter((p) => p.endsWith('/serverresources.json')).sort();
  const { ctx } = testCtx();
  const address = resolveServerAddress(server.api.httpUrl as string, { baseDir: '/', home: '/', defaultTLS: false });
  const client = new KubeClient(ctx, {
    address, tls: { insecure: false }, credentials: {}, impersonate: { groups: [], extra: {} },
    namespace: 'default', namespaceExplicit: false, contextName: '', timeoutMs: 0, disableCompression: false, credentialsDropped: false,
  }, newKlog(0, ctx.streams.errOut, () => new Date(), 1));
  try {
    fetched = await fetchDiscovery(client);
  } finally {
    await client.close();
  }
});

test.after(async () => {
  await server?.close();
});

let copies = 0;

/** A copy of kubectl's folder, every file's mtime set to `atMs`. */
function kubectlFolder(atMs = Date.now()): string {
  const dir = join(root, `copy-${copies++}`);
  cpSync(written, dir, { recursive: true });
  for (const f of ['servergroups.json', ...resourceFiles]) utimesSync(join(dir, f), atMs / 1000, atMs / 1000);
  return dir;
}

test('kubectl 1.33 wrote the layout these tests stand on: the core group and named groups, each in its own file', () => {
  assert.equal(serverGroupsFiles(join(root, 'kubectl')), [join(written, 'servergroups.json')]);
  assert.ok(resourceFiles.includes('v1/serverresources.json'), resourceFiles.join(' '));
  assert.ok(resourceFiles.includes('apps/v1/serverresources.json'), resourceFiles.join(' '));
});

test('readKubectlCache :: kubectl 1.33 files give what a fetch from the same server gives', () => {
  const got = readKubectlCache(kubectlFolder(), new Date(), DISCOVERY_TTL_MS);
  assert.ok(got, 'read');
  assert.equal(got.resources, fetched.resources);
});

test('kubectlCacheTime :: servergroups.json mtime; undefined when kubectl has no cache there', () => {
  const at = Date.parse('2030-01-02T03:04:05Z');
  const dir = kubectlFolder(at);
  assert.is(kubectlCacheTime(dir), at);
  rmSync(join(dir, 'servergroups.json'));
  assert.is(kubectlCacheTime(dir), undefined);
  assert.is(kubectlCacheTime(join(root, 'no-such-folder')), undefined);
});

test('readKubectlCache :: trusted for exactly 6 h from the mtime, as getCachedFile (expired once now is After mtime+ttl)', () => {
  const at = Date.parse('2030-01-02T03:04:05Z');
  const dir = kubectlFolder(at);
  assert.ok(readKubectlCache(dir, new Date(at + DISCOVERY_TTL_MS), DISCOVERY_TTL_MS), 'at 6 h');
  assert.is(readKubectlCache(dir, new Date(at + DISCOVERY_TTL_MS + 1), DISCOVERY_TTL_MS), undefined, 'past 6 h');
});

test('readKubectlCache :: one group version file past 6 h, the rest fresh: asks the server', () => {
  const now = Date.parse('2030-01-02T03:04:05Z');
  const dir = kubectlFolder(now - 1000);
  const old = (now - DISCOVERY_TTL_MS - 1) / 1000;
  utimesSync(join(dir, 'apps/v1/serverresources.json'), old, old);
  assert.is(readKubectlCache(dir, new Date(now), DISCOVERY_TTL_MS), undefined);
  utimesSync(join(dir, 'apps/v1/serverresources.json'), now / 1000, now / 1000);
  assert.ok(readKubectlCache(dir, new Date(now), DISCOVERY_TTL_MS), 'all fresh again');
});

test('readKubectlCache :: a group version with no file (kubectl could not fetch it, or is still writing): asks the server', () => {
  for (const missing of ['v1/serverresources.json', 'apps/v1/serverresources.json']) {
    const dir = kubectlFolder();
    rmSync(join(dir, missing));
    assert.is(readKubectlCache(dir, new Date(), DISCOVERY_TTL_MS), undefined, missing);
  }
  const dir = kubectlFolder();
  rmSync(join(dir, 'servergroups.json'));
  assert.is(readKubectlCache(dir, new Date(), DISCOVERY_TTL_MS), undefined, 'no servergroups.json');
});

test('readKubectlCache :: a file that does not decode as kubectl wrote it: asks the server (kubectl refetches on a decode error)', () => {
  const broken: [string, (text: string) => string][] = [
    ['servergroups.json', (t) => t.slice(0, t.length >> 1)],
    ['apps/v1/serverresources.json', (t) => t.slice(0, t.length >> 1)],
    ['servergroups.json', (t) => t.replace('"APIGroupList"', '"Status"')],
    ['servergroups.json', (t) => t.replace('"kind":"APIGroupList",', '')],
    ['v1/serverresources.json', (t) => t.replace('"APIResourceList"', '"Status"')],
    ['servergroups.json', () => 'null'],
    // Valid JSON of the wrong shape: Go's decoder refuses it as it refuses a torn file.
    ['servergroups.json', () => '{"kind":"APIGroupList","apiVersion":"v1","groups":{}}'],
    ['servergroups.json', () => '{"kind":"APIGroupList","apiVersion":"v1","groups":[null]}'],
    ['servergroups.json', () => '{"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"apps","versions":{}}]}'],
    ['v1/serverresources.json', () => '{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":{}}'],
  ];
  for (const [file, spoil] of broken) {
    const dir = kubectlFolder();
    const at = Date.now() / 1000;
    const text = readFileSync(join(dir, file), 'utf8');
    assert.is.not(spoil(text), text, 'the file changed');
    writeFileSync(join(dir, file), spoil(text));
    utimesSync(join(dir, file), at, at);
    let got: Discovery | undefined;
    try {
      got = readKubectlCache(dir, new Date(), DISCOVERY_TTL_MS);
    } catch (err) {
      assert.unreachable(`${file} → ${spoil('…')}: threw ${String(err)}`);
    }
    assert.is(got, undefined, `${file} → ${spoil('…')}`);
  }
});

test('clearKubectlCache :: removes servergroups.json and the files of the group versions it lists, nothing else', () => {
  const dir = kubectlFolder();
  // Not kubectl's cache of this server: kubectl-sock's own file, a server at HOST:PORT/k8s
  // (kubectl keys it as a subfolder), and a group version servergroups.json no longer lists.
  writeFileSync(join(dir, 'kubectl-sock-discovery.json'), '{}');
  cpSync(written, join(dir, 'k8s'), { recursive: true });
  mkdirSync(join(dir, 'gone.example/v1'), { recursive: true });
  writeFileSync(join(dir, 'gone.example/v1/serverresources.json'), '{}');
  const before = (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).sort();
  clearKubectlCache(dir);
  const after = (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).sort();
  const removed = before.filter((p) => !after.includes(p));
  assert.equal(removed, ['servergroups.json', ...resourceFiles].sort());
  assert.ok(existsSync(join(dir, 'k8s/servergroups.json')) && existsSync(join(dir, 'k8s/v1/serverresources.json')), 'the other server kept');
});

test('clearKubectlCache :: servergroups.json that does not decode: only it goes', () => {
  const dir = kubectlFolder();
  writeFileSync(join(dir, 'servergroups.json'), '{"kind":"APIGroupList","groups":[');
  clearKubectlCache(dir);
  assert.not.ok(existsSync(join(dir, 'servergroups.json')));
  for (const f of resourceFiles) assert.ok(existsSync(join(dir, f)), f);
});

test('clearKubectlCache :: no cache there, or no folder at all: nothing made, nothing thrown', () => {
  const dir = join(root, 'empty');
  mkdirSync(dir);
  clearKubectlCache(dir);
  assert.equal(readdirSync(dir), []);
  clearKubectlCache(join(root, 'no-such-folder'));
  assert.not.ok(existsSync(join(root, 'no-such-folder')));
});

test.run();
