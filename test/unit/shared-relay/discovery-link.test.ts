// kubectl's cache folder for a passed-through command, and the link that makes
// its discovery cache for the relay's 127.0.0.1:PORT the upstream's own. Where
// kubectl puts its files is observed: kubectl 1.33 runs against a fake API
// server on 127.0.0.1 (the relay's address family) and leaves servergroups.json
// where its cache folder and computeDiscoverCacheDir say.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, realpathSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { kubectlCacheDir, linkDiscoveryCache } from '../../../plugin/shared-relay/discovery-link.ts';
import { tempDir } from '../../helpers/kubeconfig-builder.ts';
import { kubectlOnFakeServer, serverGroupsFiles, type KubectlOnFakeServer } from '../../helpers/kubectl-discovery-cache.ts';

const root = tempDir('ksock-dlink-');
let server: KubectlOnFakeServer;
let folders = 0;

test.before(async () => {
  server = await kubectlOnFakeServer(root);
});

test.after(async () => {
  await server?.close();
});

function newFolder(): string {
  const dir = join(root, `case-${folders++}`);
  mkdirSync(dir);
  return dir;
}

/** What kubectl 1.33 does with these arguments and environment ("@" is a fresh folder, its cwd and HOME's parent). */
interface Case {
  name: string;
  args: string[];
  env?: Record<string, string>;
  /** Where kubectl's cache folder is, "@"-relative. */
  want: string;
}

const CASES: Case[] = [
  { name: '--cache-dir=X', args: ['--cache-dir=@/a', 'api-resources'], want: '@/a' },
  { name: '--cache-dir X', args: ['--cache-dir', '@/a', 'api-resources'], want: '@/a' },
  { name: 'after the verb', args: ['api-resources', '--cache-dir=@/a'], want: '@/a' },
  { name: 'repeated: the last wins (pflag sets it again)', args: ['--cache-dir=@/a', 'api-resources', '--cache-dir', '@/b'], want: '@/b' },
  { name: 'repeated the other way', args: ['--cache-dir', '@/b', 'api-resources', '--cache-dir=@/a'], want: '@/a' },
  { name: 'the last one empty: the default again', args: ['--cache-dir=@/a', 'api-resources', '--cache-dir='], env: { KUBECACHEDIR: '@/env' }, want: '@/env' },
  // kubectl's flag set normalizes "_" to "-" (cliflag.WordSepNormalizeFunc) for every flag.
  { name: '--cache_dir=X', args: ['--cache_dir=@/u', 'api-resources'], want: '@/u' },
  { name: '--cache_dir X', args: ['--cache_dir', '@/u', 'api-resources'], want: '@/u' },
  { name: '--cache_dir then --cache-dir', args: ['--cache_dir=@/u', 'api-resources', '--cache-dir=@/a'], want: '@/a' },
  { name: '--cache-dir then --cache_dir', args: ['--cache-dir=@/a', 'api-resources', '--cache_dir', '@/u'], want: '@/u' },
  { name: 'after --: the command\'s, not kubectl\'s', args: ['exec', 'nopod', '--', '--cache-dir=@/x'], want: '@/home/.kube/cache' },
  { name: 'after --, the flag before it stands', args: ['--cache-dir=@/a', 'exec', 'nopod', '--', '--cache-dir', '@/x'], want: '@/a' },
  { name: 'the flag over KUBECACHEDIR', args: ['--cache-dir=@/a', 'api-resources'], env: { KUBECACHEDIR: '@/env' }, want: '@/a' },
  { name: 'KUBECACHEDIR', args: ['api-resources'], env: { KUBECACHEDIR: '@/env' }, want: '@/env' },
  { name: 'KUBECACHEDIR empty: the default', args: ['api-resources'], env: { KUBECACHEDIR: '' }, want: '@/home/.kube/cache' },
  { name: 'the default: ~/.kube/cache', args: ['api-resources'], want: '@/home/.kube/cache' },
  { name: 'a relative folder is the working folder\'s', args: ['--cache-dir=rel/c', 'api-resources'], want: '@/rel/c' },
  { name: 'no ~ expansion (the shell\'s job)', args: ['--cache-dir=~/t', 'api-resources'], want: '@/~/t' },
];

test('kubectlCacheDir :: the folder kubectl 1.33 caches discovery in, for every spelling it takes', async () => {
  const seen = await Promise.all(CASES.map(async (c) => {
    const dir = newFolder();
    const at = (s: string) => s.replaceAll('@', dir);
    const args = c.args.map(at);
    const env = { HOME: join(dir, 'home'), ...Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, at(v)])) };
    const r = await server.run(args, { env, cwd: dir });
    const files = serverGroupsFiles(dir);
    return {
      c, r, files,
      kubectls: files.length === 1 ? dirname(dirname(dirname(files[0] as string))) : `${files.length} servergroups.json`,
      ours: resolve(dir, kubectlCacheDir(env, env.HOME, args)),
      want: at(c.want),
    };
  }));
  for (const { c, r, files, kubectls, ours, want } of seen) {
    assert.is(kubectls, want, `${c.name}: kubectl 1.33 (exit ${r.code}: ${r.stderr.trim()}) wrote ${files.join(' ')}`);
    assert.is(files[0], join(want, 'discovery', server.folder, 'servergroups.json'), c.name);
    assert.is(ours, kubectls, c.name);
  }
});

test('linkDiscoveryCache :: kubectl 1.33 at the relay\'s port keeps its cache in the upstream\'s folder', async () => {
  const cache = newFolder();
  linkDiscoveryCache(cache, { address: server.address, discovery: 'upstream.example_6443' });
  const r = await server.run(['--cache-dir', cache, 'api-resources']);
  assert.is(r.code, 0, r.stderr);
  assert.ok(lstatSync(join(cache, 'discovery', server.folder)).isSymbolicLink(), 'kubectl wrote through the link');
  assert.ok(existsSync(join(cache, 'discovery', 'upstream.example_6443', 'servergroups.json')), 'into the upstream\'s folder');
  assert.equal(readdirSync(join(cache, 'discovery')).sort(), [server.folder, 'upstream.example_6443'].sort());
});

test('linkDiscoveryCache :: made: a relative link at kubectl\'s name for 127.0.0.1:PORT, the upstream\'s folder made 0750 as kubectl makes it', () => {
  const cache = newFolder();
  linkDiscoveryCache(cache, { address: '127.0.0.1:41234', discovery: 'unix_run_k8s.sock_0123456789abcdef' });
  const link = join(cache, 'discovery', '127.0.0.1_41234');
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.is(readlinkSync(link), 'unix_run_k8s.sock_0123456789abcdef');
  assert.ok(statSync(link).isDirectory());
  assert.is(statSync(link).mode & 0o777, 0o750 & ~process.umask());
  assert.equal(readdirSync(join(cache, 'discovery')).sort(), ['127.0.0.1_41234', 'unix_run_k8s.sock_0123456789abcdef']);
});

test('linkDiscoveryCache :: an upstream with a path (kubectl\'s HOST_PORT/PATH key) links into its subfolder', () => {
  const cache = newFolder();
  linkDiscoveryCache(cache, { address: '127.0.0.1:41234', discovery: '10.0.0.1_6443/k8s' });
  assert.is(realpathSync(join(cache, 'discovery', '127.0.0.1_41234')), realpathSync(join(cache, 'discovery', '10.0.0.1_6443', 'k8s')));
});

test('linkDiscoveryCache :: kept: already right, nothing is written', () => {
  const cache = newFolder();
  const info = { address: '127.0.0.1:41234', discovery: 'upstream_1' };
  linkDiscoveryCache(cache, info);
  const parent = join(cache, 'discovery');
  const link = join(parent, '127.0.0.1_41234');
  const ino = lstatSync(link).ino;
  utimesSync(parent, 1_000_000, 1_000_000);
  linkDiscoveryCache(cache, info);
  assert.is(lstatSync(link).ino, ino, 'the same link');
  assert.is(statSync(parent).mtimeMs, 1_000_000_000, 'the folder unchanged');
});

test('linkDiscoveryCache :: re-pointed: kubectl\'s own folder of a former relay on this port goes', () => {
  const cache = newFolder();
  const link = join(cache, 'discovery', '127.0.0.1_41234');
  mkdirSync(join(link, 'v1'), { recursive: true });
  writeFileSync(join(link, 'servergroups.json'), '{}');
  writeFileSync(join(link, 'v1', 'serverresources.json'), '{}');
  linkDiscoveryCache(cache, { address: '127.0.0.1:41234', discovery: 'upstream_1' });
  assert.is(readlinkSync(link), 'upstream_1');
  assert.equal(readdirSync(link), []);
  assert.equal(readdirSync(join(cache, 'discovery')).sort(), ['127.0.0.1_41234', 'upstream_1']);
});

test('linkDiscoveryCache :: re-pointed: the port served another upstream; that upstream\'s cache is kept', () => {
  const cache = newFolder();
  const link = join(cache, 'discovery', '127.0.0.1_41234');
  linkDiscoveryCache(cache, { address: '127.0.0.1:41234', discovery: 'upstream_1' });
  writeFileSync(join(link, 'servergroups.json'), '{}');
  linkDiscoveryCache(cache, { address: '127.0.0.1:41234', discovery: 'upstream_2' });
  assert.is(readlinkSync(link), 'upstream_2');
  assert.ok(statSync(link).isDirectory());
  assert.ok(existsSync(join(cache, 'discovery', 'upstream_1', 'servergroups.json')), 'upstream_1 untouched');
  assert.equal(readdirSync(join(cache, 'discovery')).sort(), ['127.0.0.1_41234', 'upstream_1', 'upstream_2']);
});

test('linkDiscoveryCache :: a dangling link (the upstream\'s folder removed) gets its folder back, so kubectl 1.33 can write there', async () => {
  const cache = newFolder();
  const parent = join(cache, 'discovery');
  mkdirSync(parent);
  symlinkSync('upstream_1', join(parent, server.folder));
  linkDiscoveryCache(cache, { address: server.address, discovery: 'upstream_1' });
  assert.ok(statSync(join(parent, server.folder)).isDirectory(), 'no longer dangling');
  // Through a dangling link kubectl's MkdirAll fails ("mkdir …: file exists") and it caches nothing.
  const r = await server.run(['--cache-dir', cache, 'api-resources', '-v=1']);
  assert.is(r.code, 0, r.stderr);
  assert.not.match(r.stderr, 'failed to write cache');
  assert.ok(existsSync(join(parent, 'upstream_1', 'servergroups.json')), r.stderr);
});

test('linkDiscoveryCache :: no discovery folder named (an older relay\'s info): nothing made', () => {
  const cache = join(newFolder(), 'cache');
  linkDiscoveryCache(cache, { address: '127.0.0.1:41234' });
  assert.not.ok(existsSync(cache));
});

test('linkDiscoveryCache :: it cannot be made: no exception, nothing left behind (only the sharing is lost)', () => {
  const cache = newFolder();
  writeFileSync(join(cache, 'discovery'), 'not a folder');
  linkDiscoveryCache(cache, { address: '127.0.0.1:41234', discovery: 'upstream_1' });
  assert.equal(readdirSync(cache), ['discovery']);
});

test.run();
