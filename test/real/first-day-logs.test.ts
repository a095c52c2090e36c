// Issue #19 items 2 and 4 against a REAL kube-apiserver with a fake kubelet
// behind it: a kubeconfig proxy-url (an HTTP CONNECT proxy, a SOCKS5 proxy, one
// with a user) for get, logs and a passed-through describe, beside kubectl on
// the same kubeconfig, the proxies' records proving both went through them; and
// every flag of kubectl 1.33's `get` and `logs` (read from its --help), each in a
// row compared with kubectl: native ones, and get -f/-k/-R through the real kubectl.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';
import { start as startKubelet, type FakeKubelet } from '../helpers/fake-kubelet.ts';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { kubectl, startKubectlProxy, type Background } from '../helpers/processes.ts';
import { startConnectProxy, startSocks5Proxy, type TestProxy } from '../helpers/proxies.ts';
import { podManifest, runningPodStatus } from '../helpers/seed-manifests.ts';
import { replay, SeedRecorder } from './fake-seed-replay.ts';
import { same, sideBySide } from './first-day-fixture.ts';

let cp: ControlPlane;
let kubelet: FakeKubelet;
let proxy: Background & { address: string };
let dir: string;
const proxies: TestProxy[] = [];

test.before(async () => {
  cp = await startControlPlane();
  try {
    dir = tempDir('ksock-19-logs-');
    kubelet = await startKubelet({ cert: cp.kubelet.valid.cert, key: cp.kubelet.valid.key });
    const rec = new SeedRecorder();
    for (const [name, containers] of [['web', ['app', 'sidecar']], ['worker', ['app']]] as const) {
      const seed = { namespace: 'default', name, containers: [...containers], labels: { app: name } };
      rec.addObject({ ...podManifest(seed, cp.nodeName), status: runningPodStatus(seed) });
      for (const c of containers) rec.setLogs('default', name, c, [`${name} ${c} one`, `${name} ${c} two`, `${name} ${c} three`]);
    }
    await replay(cp, rec, { kubelet });
    proxy = await startKubectlProxy(cp.kubeconfig, { unixSocket: join(dir, 'kubectl-proxy.sock') });
    proxies.push(await startConnectProxy(), await startSocks5Proxy(), await startSocks5Proxy({ name: 'ada', password: 'p w' }));
  } catch (err) {
    await cp.stop();
    throw err;
  }
});

test.after(async () => {
  for (const p of proxies) await p.close();
  await proxy?.stop();
  await kubelet?.close();
  await cp?.stop();
});

/** kubectl-sock over kubectl proxy's socket, kubectl over TLS with the admin token. */
const viaSocket = () => ({ sockArgs: ['--server', `unix://${proxy.address}`], kubectlArgs: ['--kubeconfig', cp.kubeconfig] });

test('item 2 :: proxy-url through a CONNECT proxy and SOCKS5 (with and without a user): get, logs, describe as kubectl', async () => {
  const urls = [proxies[0]?.url as string, proxies[1]?.url as string, (proxies[2]?.url as string).replace('socks5://', 'socks5://ada:p%20w@')];
  for (const [i, url] of urls.entries()) {
    const p = proxies[i] as TestProxy;
    const kc = join(dir, `proxied-${i}.kubeconfig`);
    writeFileSync(kc, readFileSync(cp.kubeconfig, 'utf8').replace(/^( +)server: (.*)$/m, `$1server: $2\n$1proxy-url: ${url}`));
    for (const args of [['get', 'pods'], ['logs', 'web', '-c', 'app'], ['describe', 'pod', 'worker'], ['get', 'pods', '-o', 'name', '-l', 'app=web']]) {
      p.records.length = 0;
      const { ours, theirs } = await sideBySide([...args, '--kubeconfig', kc]);
      assert.is(ours.stdout.replace(/\b\d+[smhd]\b/g, '<age>'), theirs.stdout.replace(/\b\d+[smhd]\b/g, '<age>'), `stdout of ${args.join(' ')} via ${url}`);
      assert.is(ours.stderr, theirs.stderr, `stderr via ${url}`);
      assert.is(ours.code, 0, `exit code via ${url}: ${ours.stderr}`);
      const server = new URL(cp.server).host;
      const kinds = new Set(p.records.map((r) => `${r.kind} ${r.target} ${r.auth}`));
      const want = `${url.startsWith('socks5') ? 'SOCKS5' : 'CONNECT'} ${server} ${i === 2 ? 'ada:p w' : ''}`;
      assert.equal([...kinds], [want], `both went through ${url} to the server (${args.join(' ')})`);
    }
  }
  // A proxy that refuses: kubectl's connection-refused line, naming the server.
  const down = join(dir, 'proxy-down.kubeconfig');
  writeFileSync(down, readFileSync(cp.kubeconfig, 'utf8').replace(/^( +)server: (.*)$/m, '$1server: $2\n$1proxy-url: socks5://127.0.0.1:1'));
  for (const args of [['get', 'pods'], ['describe', 'pods']]) await same([...args, '--kubeconfig', down]);
});

/** kubectl 1.33's flags of a verb, from its own --help. */
async function flagsOf(verb: string): Promise<string[]> {
  const help = (await kubectl([verb, '--help'])).stdout;
  return [...help.matchAll(/^ +(?:-\w, )?--([\w-]+)=/gm)].map((m) => m[1] as string).sort();
}

/** Covered where a stream has to be stopped: the watch and follow suites compare those with kubectl. */
const ELSEWHERE = { watch: 'test/e2e/get-watch.test.ts', 'watch-only': 'test/e2e/get-watch.test.ts', follow: 'test/real/logs.test.ts (-f parity)' };

function getRows(manifests: string): Record<string, string[][]> {
  return {
    'all-namespaces': [['get', 'pods', '-A']],
    'allow-missing-template-keys': [['get', 'pods', '-o', 'jsonpath={.items[*].nosuch}', '--allow-missing-template-keys=false']],
    'chunk-size': [['get', 'pods', '--chunk-size=1']],
    'field-selector': [['get', 'pods', '--field-selector', 'metadata.name=web']],
    filename: [['get', '-f', join(manifests, 'pod.yaml')], ['get', '-f', join(manifests, 'pod.yaml'), '-o', 'name']],
    'ignore-not-found': [['get', 'pods', 'nosuch', '--ignore-not-found']],
    kustomize: [['get', '-k', manifests]],
    'label-columns': [['get', 'pods', '-L', 'app']],
    'no-headers': [['get', 'pods', '--no-headers']],
    output: [['get', 'pods', '-o', 'wide'], ['get', 'pod', 'web', '-o', 'yaml']],
    'output-watch-events': [['get', 'pods', '--output-watch-events']],
    raw: [['get', '--raw', '/api/v1/namespaces/default/pods/worker']],
    recursive: [['get', '-R', '-f', manifests, '-o', 'name']],
    selector: [['get', 'pods', '-l', 'app=web']],
    'server-print': [['get', 'pods', '--server-print=false']],
    'show-kind': [['get', 'pods', '--show-kind']],
    'show-labels': [['get', 'pods', '--show-labels']],
    'show-managed-fields': [['get', 'pod', 'worker', '-o', 'json', '--show-managed-fields']],
    'sort-by': [['get', 'pods', '--sort-by=.metadata.name']],
    subresource: [['get', 'pod', 'web', '--subresource', 'status', '-o', 'name']],
    template: [['get', 'pod', 'web', '-o', 'go-template', '--template={{.metadata.name}}']],
  };
}

const LOGS_ROWS: Record<string, string[][]> = {
  'all-containers': [['logs', 'web', '--all-containers']],
  'all-pods': [['logs', 'pod/worker', '--all-pods']],
  container: [['logs', 'web', '-c', 'sidecar']],
  'ignore-errors': [['logs', 'web', '-c', 'app', '--ignore-errors']],
  'insecure-skip-tls-verify-backend': [['logs', 'worker', '--insecure-skip-tls-verify-backend']],
  'limit-bytes': [['logs', 'worker', '--limit-bytes=7']],
  'max-log-requests': [['logs', '-l', 'app=worker', '--max-log-requests=1']],
  'pod-running-timeout': [['logs', 'worker', '--pod-running-timeout=1s'], ['logs', 'worker', '--pod-running-timeout=0']],
  prefix: [['logs', 'web', '-c', 'app', '--prefix']],
  previous: [['logs', 'worker', '-p']],
  selector: [['logs', '-l', 'app=worker']],
  since: [['logs', 'worker', '--since=1h']],
  'since-time': [['logs', 'worker', '--since-time=2000-01-01T00:00:00Z']],
  tail: [['logs', 'worker', '--tail=1']],
  timestamps: [['logs', 'worker', '--timestamps', '--tail=1']],
};

test('item 4 :: every flag of kubectl 1.33 get has a row; each row as kubectl (-f, -k, -R through the real kubectl)', async () => {
  const manifests = join(dir, 'manifests');
  mkdirSync(manifests, { recursive: true });
  writeFileSync(join(manifests, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: default\n');
  writeFileSync(join(manifests, 'kustomization.yaml'), 'resources:\n- pod.yaml\n');
  const rows = getRows(manifests);
  assert.equal(await flagsOf('get'), Object.keys({ ...rows, ...ELSEWHERE }).filter((f) => f !== 'follow').sort(), 'a row for every get flag');
  for (const list of Object.values(rows)) for (const args of list) await same(args, viaSocket());
});

test('item 4 :: every flag of kubectl 1.33 logs has a row; each row as kubectl', async () => {
  assert.equal(await flagsOf('logs'), Object.keys({ ...LOGS_ROWS, follow: ELSEWHERE.follow }).sort(), 'a row for every logs flag');
  // kubectl prints a multi-container log in Go's map order; compare the lines sorted there.
  const sorted = (t: string) => t.split('\n').sort().join('\n');
  for (const [flag, list] of Object.entries(LOGS_ROWS)) {
    for (const args of list) await same(args, { ...viaSocket(), prep: flag === 'all-containers' || flag === 'all-pods' ? sorted : undefined });
  }
});

test.run();
