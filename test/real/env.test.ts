// `kubectl sock env -- PROGRAM` against a REAL kube-apiserver, behind real
// `kubectl proxy --unix-socket`: helm v4 (built from Go modules) installs a
// chart from test/fixtures, lists, upgrades and uninstalls it; kubectl 1.27 and
// 1.31 read and write through the shared relay. The oracles are the same
// programs straight to the API server over TLS.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';
import { ensureHelm } from '../helpers/helm.ts';
import { kc } from '../helpers/kubeconfig-builder.ts';
import { ROOT, run, sock, startKubectlProxy, type Background, type RunResult } from '../helpers/processes.ts';
import { relayProcesses, stopAllRelays } from '../helpers/relays.ts';

const CHART = join(ROOT, 'test', 'fixtures', 'charts', 'greeter');
const NS = 'helm-sock';
const OLD_KUBECTLS = ['/usr/lib/google-cloud-sdk/bin/kubectl.1.27', '/usr/lib/google-cloud-sdk/bin/kubectl.1.31'];

let cp: ControlPlane;
let proxy: Background & { address: string };
let helm: string;
let userConfig: string;
let helmHome: Record<string, string>;

test.before(async () => {
  helm = ensureHelm();
  cp = await startControlPlane();
  try {
    await cp.json('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    await cp.json('POST', `/api/v1/namespaces/${NS}/pods`, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', labels: { app: 'web' } },
      spec: { nodeName: cp.nodeName, automountServiceAccountToken: false, containers: [{ name: 'app', image: 'example.invalid/web:1' }] },
    });
    proxy = await startKubectlProxy(cp.kubeconfig, { unixSocket: join(cp.dir, 'kubectl-proxy.sock') });
    // The user's kubeconfig: only the socket, and the namespace the programs default to.
    userConfig = kc().cluster('local', { server: `unix://${proxy.address}` }).user('me', {})
      .context('local', { cluster: 'local', user: 'me', namespace: NS }).current('local').write(join(cp.dir, 'user.kubeconfig'));
    const home = join(cp.dir, 'helm-home');
    helmHome = { HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') };
    for (const d of Object.values(helmHome)) mkdirSync(d, { recursive: true });
  } catch (err) {
    await cp.stop();
    throw err;
  }
});

test.after(async () => {
  await stopAllRelays();
  await proxy?.stop();
  await cp?.stop();
});

/** PROGRAM through `kubectl sock env` and the socket. */
function viaEnv(args: string[], envFlags: string[] = []): Promise<RunResult> {
  return sock(['env', '--kubeconfig', userConfig, ...envFlags, '--', ...args], { env: helmHome, timeoutMs: 60_000 });
}

/** The oracle: the same program straight to the API server over TLS, in the same namespace. */
function direct(args: string[]): Promise<RunResult> {
  return run(args[0] as string, args.slice(1), { env: { KUBECONFIG: cp.kubeconfig, ...helmHome }, timeoutMs: 60_000 });
}

const ok = (r: RunResult, what: string) => assert.is(r.code, 0, `${what}: ${r.stderr}`);

test('helm v4 :: install, list, upgrade, list, uninstall through env; the namespace is the context\'s', async () => {
  const installed = await viaEnv([helm, 'install', 'demo', CHART]);
  ok(installed, 'helm install');
  assert.match(installed.stdout, new RegExp(`^NAME: demo\\nLAST DEPLOYED: .+\\nNAMESPACE: ${NS}\\nSTATUS: deployed\\nREVISION: 1\\n`));
  const cm = await cp.json<{ data: Record<string, string> }>('GET', `/api/v1/namespaces/${NS}/configmaps/demo-greeting`);
  assert.equal(cm.data, { greeting: 'hello' });
  const listed = await viaEnv([helm, 'list']);
  ok(listed, 'helm list');
  assert.match(listed.stdout, /^NAME\s+NAMESPACE\s+REVISION\s+UPDATED\s+STATUS\s+CHART\s+APP VERSION\s*\ndemo\s+helm-sock\s+1\s+.+\s+deployed\s+greeter-0\.1\.0\s+1\.0\s*\n$/);
  const oracle = await direct([helm, 'list', '-n', NS]);
  assert.is(listed.stdout, oracle.stdout, 'helm list reads the same as helm straight to the API server');
  const upgraded = await viaEnv([helm, 'upgrade', 'demo', CHART, '--set', 'greeting=upgraded']);
  ok(upgraded, 'helm upgrade');
  assert.match(upgraded.stdout, /^Release "demo" has been upgraded\. Happy Helming!\n/);
  assert.match(upgraded.stdout, /\nREVISION: 2\n/);
  const after = await cp.json<{ data: Record<string, string> }>('GET', `/api/v1/namespaces/${NS}/configmaps/demo-greeting`);
  assert.equal(after.data, { greeting: 'upgraded' });
  const history = await viaEnv([helm, 'history', 'demo', '-o', 'json']);
  assert.equal((JSON.parse(history.stdout) as Array<{ revision: number; status: string }>).map((h) => [h.revision, h.status]), [[1, 'superseded'], [2, 'deployed']]);
  const elsewhere = await viaEnv([helm, 'list', '-q'], ['-n', 'default']);
  assert.equal([elsewhere.code, elsewhere.stdout], [0, ''], 'with -n, another namespace');
  const removed = await viaEnv([helm, 'uninstall', 'demo']);
  ok(removed, 'helm uninstall');
  assert.is(removed.stdout, 'release "demo" uninstalled\n');
  assert.is((await cp.request('GET', `/api/v1/namespaces/${NS}/configmaps/demo-greeting`)).status, 404);
  assert.is((await viaEnv([helm, 'list', '-q'])).stdout, '');
  assert.is(relayProcesses().length, 1, 'every run used one relay');
});

for (const kubectl of OLD_KUBECTLS) {
  const name = kubectl.split('/').pop() as string;
  test(`${name} :: get, describe, apply and delete through env read as ${name} straight to the server`, async () => {
    if (!existsSync(kubectl)) throw new Error(`${kubectl} is missing`);
    // AGE columns tick between the two runs (a pod made seconds ago is 9s old, then 10s, which widens its column).
    const aged = (text: string) => text.replace(/(?<=\s)(\d+[smhd])+(?=\s)/g, '<age>').replace(/ {2,}/g, '  ');
    const same = async (args: string[]) => {
      const ours = await viaEnv([kubectl, ...args]);
      const theirs = await direct([kubectl, '-n', NS, ...args]);
      assert.is(aged(ours.stdout), aged(theirs.stdout), `${name} ${args.join(' ')}: stdout`);
      assert.is(ours.stderr, theirs.stderr, `${name} ${args.join(' ')}: stderr`);
      assert.is(ours.code, theirs.code, `${name} ${args.join(' ')}: exit code`);
      return ours;
    };
    await same(['get', 'pods', '-o', 'wide']);
    const described = await same(['describe', 'pod', 'web']);
    assert.match(described.stdout, /^Name: +web$/m);
    await same(['get', 'pod', 'nope']);
    await same(['api-resources', '--api-group=apps']);
    const manifest = join(cp.dir, `${name}.yaml`);
    writeFileSync(manifest, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: via-${name.replace('.', '-')}\ndata:\n  from: ${name}\n`);
    const applied = await viaEnv([kubectl, 'apply', '-f', manifest]);
    assert.equal([applied.code, applied.stdout], [0, `configmap/via-${name.replace('.', '-')} created\n`], applied.stderr);
    await same(['get', 'configmap', `via-${name.replace('.', '-')}`, '-o', 'jsonpath={.data.from}']);
    const deleted = await viaEnv([kubectl, 'delete', '-f', manifest]);
    assert.equal([deleted.code, deleted.stdout], [0, `configmap "via-${name.replace('.', '-')}" deleted\n`], deleted.stderr);
  });
}

test.run();
