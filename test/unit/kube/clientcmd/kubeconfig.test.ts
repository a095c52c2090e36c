import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubeconfigPaths, loadKubeconfig, mergeKubeconfigs } from '../../../../plugin/kube/clientcmd/kubeconfig.ts';
import { parseKubeconfigFile } from '../../../../plugin/kube/clientcmd/kubeconfig-file.ts';
import { resolveServerAddress } from '../../../../plugin/transport/address.ts';
import { kc, tempDir } from '../../../helpers/kubeconfig-builder.ts';
import { failureOf } from '../../../helpers/rejection.ts';

const dir = tempDir();
const a = kc()
  .cluster('shared', { server: 'https://a.example:6443', 'certificate-authority': 'ca.crt' })
  .cluster('only-a', { server: 'unix:kube.sock' })
  .user('alice', { token: 'from-a' })
  .context('ctx-a', { cluster: 'shared', user: 'alice' })
  .current('ctx-a')
  .write(join(dir, 'a', 'config'));
const b = kc()
  .cluster('shared', { server: 'https://b.example:6443', 'tls-server-name': 'b' })
  .cluster('only-b', { server: '/abs/b.sock' })
  .user('alice', { token: 'from-b' })
  .user('bob', { tokenFile: 'tok', exec: undefined })
  .context('ctx-b', { cluster: 'only-b', user: 'bob' })
  .current('ctx-b')
  .write(join(dir, 'b', 'config'));

const load = (KUBECONFIG: string, explicitPath?: string) =>
  loadKubeconfig({ env: { KUBECONFIG }, home: '/home/u', cwd: dir, explicitPath });

test('mergeKubeconfigs :: first file wins for named entries and current-context (a:b)', async () => {
  const m = await load(`${a}:${b}`);
  assert.is(m.currentContext, 'ctx-a');
  assert.is(m.clusters.get('shared')?.server, 'https://a.example:6443');
  // Whole entries win: b's tls-server-name does not leak into a's cluster.
  assert.is(m.clusters.get('shared')?.['tls-server-name'], undefined);
  assert.is(m.users.get('alice')?.token, 'from-a');
  assert.ok(m.clusters.has('only-b') && m.users.has('bob') && m.contexts.has('ctx-b'));
});

test('mergeKubeconfigs :: order reversed (b:a)', async () => {
  const m = await load(`${b}:${a}`);
  assert.is(m.currentContext, 'ctx-b');
  assert.is(m.clusters.get('shared')?.server, 'https://b.example:6443');
  assert.is(m.users.get('alice')?.token, 'from-b');
});

test('loadKubeconfig :: relative paths resolve against their own file', async () => {
  const m = await load(`${a}:${b}`);
  assert.is(m.clusters.get('shared')?.['certificate-authority'], join(dir, 'a', 'ca.crt'));
  assert.is(m.clusters.get('only-a')?.server, `unix://${join(dir, 'a', 'kube.sock')}`);
  assert.is(m.users.get('bob')?.tokenFile, join(dir, 'b', 'tok'));
});

test('kubeconfigPaths :: KUBECONFIG is de-duplicated, empty entries dropped', () => {
  const p = kubeconfigPaths({ env: { KUBECONFIG: `${a}::${b}:${a}` }, home: '/h', cwd: '/' });
  assert.equal(p.paths, [a, b]);
});

test('kubeconfigPaths :: --kubeconfig beats KUBECONFIG; default is ~/.kube/config', () => {
  assert.equal(kubeconfigPaths({ explicitPath: a, env: { KUBECONFIG: b }, home: '/h', cwd: '/' }).paths, [a]);
  assert.equal(kubeconfigPaths({ env: {}, home: '/h', cwd: '/' }).paths, ['/h/.kube/config']);
});

test('loadKubeconfig :: missing KUBECONFIG files are skipped', async () => {
  const m = await load(`${join(dir, 'missing')}:${b}`);
  assert.is(m.currentContext, 'ctx-b');
});

test('loadKubeconfig :: a missing --kubeconfig is an error in kubectl words', async () => {
  assert.is((await failureOf(load('', '/nonexistent/config'))).message, 'stat /nonexistent/config: no such file or directory');
});

const parse = (text: string) => parseKubeconfigFile('/x/config', text, '/h');
const parseFailure = async (text: string) => (await failureOf(parse(text))).message;

test('parseKubeconfigFile :: broken YAML names the file', async () => {
  assert.ok((await parseFailure('a: [\n')).startsWith('error loading config file "/x/config": yaml: '));
});

test('parseKubeconfigFile :: YAML 1.1 booleans are type errors where strings are expected, as in kubectl', async () => {
  for (const text of ['users:\n- name: u\n  user: {username: x, password: y}\n', 'users:\n- name: u\n  user:\n    username: x\n    password: y\n']) {
    assert.is(await parseFailure(text),
      'error loading config file "/x/config": json: cannot unmarshal bool into Go struct field AuthInfo.users.user.password of type string');
  }
});

test('parseKubeconfigFile :: only v1 Config decodes (an empty apiVersion or kind defaults to it), as clientcmd\'s scheme', async () => {
  const scheme = 'in scheme "k8s.io/client-go/tools/clientcmd/api/latest/latest.go:50"';
  for (const [head, want] of [
    ['apiVersion: v-1\nkind: Config\n', `no kind "Config" is registered for version "v-1" ${scheme}`],
    ['apiVersion: v-1\n', `no kind "Config" is registered for version "v-1" ${scheme}`],
    ['kind: Foo\n', `no kind "Foo" is registered for version "v1" ${scheme}`],
    ['apiVersion: v1beta1\nkind: Config\n', `no kind "Config" is registered for version "v1beta1" ${scheme}`],
  ] as const) {
    assert.is(await parseFailure(`${head}current-context: c\n`), `error loading config file "/x/config": ${want}`);
  }
  for (const head of ['', 'apiVersion: v1\n', 'kind: Config\n', 'apiVersion: v1\nkind: Config\n']) {
    assert.is((await parse(`${head}current-context: c\n`)).currentContext, 'c');
  }
});

test('parseKubeconfigFile :: an empty file is an empty config', async () => {
  const f = await parse('');
  assert.equal(mergeKubeconfigs([f]).clusters.size, 0);
});

test('parseKubeconfigFile :: a socket path with %25 in the server is decoded once (the loader re-parses what it stores)', async () => {
  for (const text of ['clusters:\n- name: c\n  cluster: {server: "unix:///run/100%25.sock"}\n', 'clusters:\n- name: c\n  cluster:\n    server: "unix:///run/100%25.sock"\n']) {
    const f = await parse(text);
    const server = f.clusters[0]?.[1].server as string;
    const address = resolveServerAddress(server, { baseDir: '/x', home: '/h', defaultTLS: false });
    assert.is(address.transport === 'unix' && address.socketPath, '/run/100%.sock');
  }
});

// Found by kubeconfig.properties.test.ts against kubectl 1.33 (`kubectl config view`).
test('parseKubeconfigFile :: a name given twice in one file is refused with kubectl\'s message', async () => {
  const text = 'clusters:\n- name: a\n  cluster: {server: https://one, certificate-authority-data: aGk=}\n- name: a\n  cluster: {}\n';
  assert.is(await parseFailure(text),
    'error loading config file "/x/config": error converting *[]NamedCluster into *map[string]*api.Cluster: duplicate name "a" in list: ' +
    '[{a {https://one  false  [104 105]  false []}} {a {  false  []  false []}}]');
  const users = 'users:\n- name: u\n  user:\n    token: secret\n- name: u\n  user: {}\n';
  const message = await parseFailure(users);
  assert.ok(/duplicate name "u"/.test(message) && !message.includes('secret'), message);
});

test('parseKubeconfigFile :: only the first YAML document counts; an unknown directive is an error', async () => {
  assert.is((await parse('current-context: c\n---\nfoo: [\n')).currentContext, 'c');
  assert.is(await parseFailure('%FOO bar\n---\nclusters: []\n'), 'error loading config file "/x/config": yaml: found unknown directive name');
});

test('parseKubeconfigFile :: of several mistyped fields the first in sorted key order is reported, as encoding/json does', async () => {
  assert.is(await parseFailure('contexts:\n- name: off\n  context:\n    user: y\n'),
    'error loading config file "/x/config": json: cannot unmarshal bool into Go struct field Context.contexts.context.user of type string');
  assert.match(await parseFailure('users:\n- name: 1\ncurrent-context: on\n'), /Config\.current-context/);
});

test('loadKubeconfig :: a directory is not a kubeconfig', async () => {
  writeFileSync(join(dir, 'plain'), 'x');
  assert.match((await failureOf(load('', dir))).message, /is a directory/);
});

test.run();
