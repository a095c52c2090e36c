// Host names as kubectl reads them (issue #17 item 7): Go's net.ParseIP takes
// dotted decimal only, so 0xa, 0x7f.1, 127.1 and 2130706433 are names, where
// WHATWG URL and getaddrinfo read them as IPv4 shorthand (0xa is 0.0.0.10).
// kubectl is the oracle: same stdout, stderr and exit code.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.ts';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { ROOT, kubectl, sock, type RunResult } from '../helpers/processes.ts';

let api: FakeApiServer;
let port: string;

test.before(async () => {
  api = await startFakeApiServer({ tcp: true });
  port = new URL(api.httpUrl as string).port;
});

test.after(async () => {
  await api?.close();
});

const same = (ours: RunResult, theirs: RunResult, what: string) =>
  assert.equal({ stdout: ours.stdout, stderr: ours.stderr, code: ours.code }, { stdout: theirs.stdout, stderr: theirs.stderr, code: theirs.code }, what);

// All digits and dots but not dotted decimal: no domain name to Go either, so
// kubectl fails at once, asking no DNS server, where getaddrinfo would reach 127.0.0.1.
const NUMERIC = ['127.1', '2130706433', '0177.0.0.1', '127.000.000.001', '127.0.0.1.', '0x7f.0.0.1.'];

test('names Go never looks up fail as in kubectl, though 127.0.0.1 is listening', async () => {
  for (const host of NUMERIC) {
    for (const server of [`http://${host}:${port}`, `${host}:${port}`]) {
      const args = ['get', '--raw', '/version', '--server', server];
      same(await sock(args), await kubectl(args), server);
    }
  }
});

test('the same names in a kubeconfig', async () => {
  const dir = tempDir('ksock-hosts-');
  const file = join(dir, 'config');
  writeFileSync(file, `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.1:${port}\ncontexts:\n- name: c\n  context:\n    cluster: c\ncurrent-context: c\n`);
  const args = ['get', '--raw', '/version', '--kubeconfig', file];
  same(await sock(args), await kubectl(args), 'kubeconfig');
});

test('names DNS answers for (0xa, 0x7f.1) reach the server by DNS, named as written in Host; unknown ones fail as in kubectl (own network namespace)', () => {
  const dir = tempDir('ksock-hosts-ns-');
  const resolv = join(dir, 'resolv.conf');
  writeFileSync(resolv, 'nameserver 127.0.0.1\n');
  const driver = join(ROOT, 'test', 'e2e', 'host-names', 'in-namespace.ts');
  const script = `ip link set lo up && mount --bind "$1" /etc/resolv.conf && exec "$2" "$3"`;
  const r = spawnSync('unshare', ['--user', '--map-root-user', '--mount', '--net', 'sh', '-c', script, 'sh', resolv, process.execPath, driver], {
    encoding: 'utf8', timeout: 120_000, cwd: ROOT,
  });
  assert.is(r.status, 0, `unshare: ${r.error ?? ''} ${r.stderr}`);
  type Run = RunResult & { hosts: string[] };
  const results = JSON.parse(r.stdout) as { server: string; ours: Run; theirs: Run }[];
  for (const { server, ours, theirs } of results) {
    same(ours, theirs, server);
    assert.equal(ours.hosts, theirs.hosts, `Host headers for ${server}`);
  }
  // The names DNS knows were reached; the others failed.
  assert.equal(results.map((x) => `${x.server.replace(/:\d+/, '')} ${x.ours.code}`), [
    ...['0xa', '0x7f.1', '0x7f000001', 'api.test', 'API.Test'].map((h) => `http://${h} 0`),
    ...['0xb', 'nx.test', '127.1'].map((h) => `http://${h} 1`),
    '0xa 0',
    'http://0x7f.1 --request-timeout=10s 0',
    'http://nx.test --request-timeout=10s 1',
  ]);
});

test.run();
