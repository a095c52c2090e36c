// `kubectl sock logs` against real kubectl 1.33 (the oracle) on the same fake
// API server: the built binary over the unix socket, kubectl over TCP. Then
// what kubectl does not do: a fixed stream order, the backend-TLS hint, -f
// surviving a dropped stream, Ctrl-C and a closed stdout.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.ts';
import { configureKubeletClient } from '../helpers/fake-apiserver/kubelet-proxy.ts';
import { generatedLog } from '../helpers/fake-apiserver/generated-log.ts';
import { start as startKubelet, type FakeKubelet } from '../helpers/fake-kubelet.ts';
import { makePki, type Pki } from '../helpers/certs.ts';
import { kc, tempDir } from '../helpers/kubeconfig-builder.ts';
import { BINARY, KUBECTL, kubectl, sock, startKubectlProxy, type Background, type RunResult } from '../helpers/processes.ts';
import { follow, logsParityCases, seedCluster, SKIP, stableX509, T0 } from './logs-fixtures.ts';

let dir: string;
let pki: Pki;
let api: FakeApiServer;
let kubelet: FakeKubelet;
let proxy: Background & { address: string };

test.before(async () => {
  dir = tempDir('ksock-logs-');
  pki = await makePki(join(dir, 'pki'));
  api = await startFakeApiServer({ unixSocket: join(dir, 'api.sock'), tcp: true, tls: { cert: pki.server.cert, key: pki.server.key } });
  kubelet = await startKubelet({ cert: pki.expiredServer.cert, key: pki.expiredServer.key });
  // As kube-apiserver --kubelet-certificate-authority: kubelets' certificates are verified.
  configureKubeletClient({ ca: pki.ca.cert });
  seedCluster(api, kubelet);
  const cfg = kc().cluster('c', { server: api.httpUrl }).context('c', { cluster: 'c' }).current('c').write(join(dir, 'tcp.kubeconfig'));
  proxy = await startKubectlProxy(cfg, { unixSocket: join(dir, 'proxy.sock') });
});

test.after(async () => {
  configureKubeletClient({});
  await proxy?.stop();
  await kubelet?.close();
  await api?.close();
});

const ours = (args: string[]): Promise<RunResult> => sock(['logs', ...args, '--server', api.unixUrl as string]);
const theirs = (args: string[]): Promise<RunResult> => kubectl(['logs', ...args, '--server', api.httpUrl as string]);
const firstLine = (s: string): string => s.split('\n')[0] ?? '';
const sorted = (s: string): string[] => s.split('\n').sort();

/** Same stdout (as sorted lines when kubectl's order is random), same first stderr line, same exit code. */
async function parity(args: string[], opts: { sortLines?: boolean } = {}): Promise<{ ours: RunResult; theirs: RunResult }> {
  const [a, b] = await Promise.all([ours(args), theirs(args)]);
  const what = `logs ${args.join(' ')}`;
  if (opts.sortLines) assert.equal(sorted(a.stdout), sorted(b.stdout), `stdout of ${what}`);
  else assert.is(a.stdout, b.stdout, `stdout of ${what}`);
  assert.is(stableX509(firstLine(a.stderr)), stableX509(firstLine(b.stderr)).replace("'kubectl ", "'kubectl sock "), `stderr of ${what}`);
  assert.is(a.code, b.code, `exit code of ${what}: ${a.stderr}`);
  assert.ok(a.code === 0 || a.code === 1, `${what} ended by itself (${a.code}, ${a.signal})`);
  return { ours: a, theirs: b };
}

test(`parity :: ${logsParityCases.length} invocations`, async () => {
  assert.ok(logsParityCases.length >= 30);
  for (const [, args, opts] of logsParityCases) await parity(args, opts);
});

test('parity :: a stream cut off without -f prints what came, then unexpected EOF', async () => {
  api.faults.push({ kind: 'drop', afterBytes: 13, times: 2, match: (r) => r.url.startsWith('/api/v1/namespaces/default/pods/single/log') });
  const { ours: a } = await parity(['single']);
  assert.is(a.stdout, 'single 1\nsing');
  assert.is(a.stderr, 'error: unexpected EOF\n');
});

test('parity :: -f follows new lines until the pod goes away', async () => {
  const args = ['tailing', '-f'];
  const a = follow(BINARY, ['logs', ...args, '--server', api.unixUrl as string]);
  const b = follow(process.env['KUBECTL_SOCK_ORACLE'] ?? '/usr/lib/google-cloud-sdk/bin/kubectl.1.33', ['logs', ...args, '--server', api.httpUrl as string]);
  await Promise.all([a.waitFor('tail 3\n'), b.waitFor('tail 3\n')]);
  api.appendLogs('default', 'tailing', 'app', ['tail 4', 'tail 5']);
  await Promise.all([a.waitFor('tail 5\n'), b.waitFor('tail 5\n')]);
  api.deleteObject('pods', 'default', 'tailing');
  const [ra, rb] = await Promise.all([a.done, b.done]);
  assert.is(ra.stdout, rb.stdout);
  assert.is(ra.stdout, 'tail 1\ntail 2\ntail 3\ntail 4\ntail 5\n');
  assert.is(ra.code, rb.code);
});

test('order :: containers init → regular → ephemeral, pods in list order, every time', async () => {
  const want = ['init', 'app', 'sidecar'].flatMap((c) => [`[pod/multi/${c}] multi ${c} 1`, `[pod/multi/${c}] multi ${c} 2`]).join('\n') + '\n';
  const debugged = '[pod/debugged/app] debugged app 1\n[pod/debugged/debugger] debugged debugger 1\n';
  for (let i = 0; i < 3; i++) {
    assert.is((await ours(['multi', '--all-containers', '--prefix'])).stdout, want);
    assert.is((await ours(['debugged', '--all-containers', '--prefix'])).stdout, debugged);
    const byList = (await ours(['-l', 'app=web', '--tail=1', '--prefix'])).stdout;
    assert.is(byList, '[pod/web-a/app] web-a 3\n[pod/web-b/app] web-b 3\n[pod/web-c/app] web-c 3\n');
  }
});

test('x509 :: kubectl\'s line, then one hint line; the flag reaches the API server only when given', async () => {
  const logReqs = () => api.requests.filter((r) => r.url.startsWith('/api/v1/namespaces/default/pods/remote/log'));
  const before = logReqs().length;
  const a = await ours(['remote']);
  const b = await theirs(['remote']);
  const lines = a.stderr.split('\n');
  assert.is(lines.length, 3, a.stderr);
  assert.is(stableX509(lines[0] ?? ''), stableX509(b.stderr.trimEnd()));
  assert.match(lines[0] ?? '', /^Error from server: Get "https:\/\/127\.0\.0\.1:\d+\/containerLogs\/default\/remote\/app": tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time \S+ is after \S+$/);
  assert.match(lines[1] ?? '', /--insecure-skip-tls-verify-backend/);
  assert.match(lines[1] ?? '', /impostor|attacker/);
  assert.is(a.code, 1);
  const skipped = await ours(['remote', SKIP]);
  assert.is(skipped.stdout, 'remote 1\nremote 2\n');
  assert.is(skipped.stderr, '');
  const mine = logReqs().slice(before).filter((r) => r.listener === 'unix').map((r) => r.url);
  assert.equal(mine, ['/api/v1/namespaces/default/pods/remote/log?container=app', '/api/v1/namespaces/default/pods/remote/log?container=app&insecureSkipTLSVerifyBackend=true']);
  assert.ok(kubelet.requests.every((r) => !r.url.includes('insecureSkipTLSVerifyBackend')), 'the API server does not forward the flag');
});

test('x509 :: the same through real kubectl proxy --unix-socket', async () => {
  const via = (args: string[]) => sock(['logs', ...args, '--server', `unix://${proxy.address}`]);
  const before = api.requests.length;
  const a = await via(['remote']);
  const [first, hint, rest] = a.stderr.split('\n');
  assert.match(first ?? '', /^Error from server: Get "https:\/\/127\.0\.0\.1:\d+\/containerLogs\/default\/remote\/app": tls: failed to verify certificate: x509: certificate has expired/);
  assert.match(hint ?? '', /--insecure-skip-tls-verify-backend/);
  assert.is(rest, '');
  assert.is(a.code, 1);
  const b = await via(['remote', SKIP]);
  assert.is(b.stdout, 'remote 1\nremote 2\n');
  assert.is(b.code, 0);
  const urls = api.requests.slice(before).filter((r) => r.url.includes('/remote/log')).map((r) => r.url);
  assert.equal(urls, ['/api/v1/namespaces/default/pods/remote/log?container=app', '/api/v1/namespaces/default/pods/remote/log?container=app&insecureSkipTLSVerifyBackend=true']);
});

/** -f on a pod whose stream drops twice mid-line: the output must be every line once, in order. */
async function resumeCase(pod: string, server: string[], listener: string): Promise<void> {
  const lines = Array.from({ length: 3000 }, (_, i) => ({ time: new Date(T0 + Math.floor(i / 700) * 1000 + i), text: `resumed line ${i}` }));
  api.addObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: pod, namespace: 'default' }, spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'x' }] }, status: { phase: 'Running' } });
  api.setLogs('default', pod, 'app', lines);
  const logUrl = (r: { url: string }) => r.url.startsWith(`/api/v1/namespaces/default/pods/${pod}/log`);
  // Two drops, each in the middle of a line: once in the backlog, once more after the resume.
  api.faults.push({ kind: 'drop', afterBytes: 50_123, match: logUrl });
  api.faults.push({ kind: 'drop', afterBytes: 40_017, match: logUrl });
  const f = follow(BINARY, ['logs', pod, '-f', ...server]);
  await f.waitFor('resumed line 2999\n');
  api.appendLogs('default', pod, 'app', ['after the drops']);
  await f.waitFor('after the drops\n');
  api.deleteObject('pods', 'default', pod);
  const r = await f.done;
  assert.is(r.stdout, [...lines.map((l) => l.text), 'after the drops'].join('\n') + '\n');
  assert.is(r.stderr, '');
  assert.is(r.code, 0);
  const reqs = api.requests.filter((x) => logUrl(x) && x.listener === listener).map((x) => x.url);
  assert.is(reqs.length, 3, reqs.join('\n'));
  assert.match(reqs[0] ?? '', /follow=true&timestamps=true$/);
  assert.match(reqs[1] ?? '', /sinceTime=2024-01-02T03%3A04%3A0\dZ/);
}

test('-f resume :: a stream dropped mid-line comes back whole, no line twice, none missing', async () => {
  await resumeCase('flaky', ['--server', api.unixUrl as string], 'unix');
});

test('over TLS (the shared client) :: same answers as kubectl; concurrent follows; resume', async () => {
  const tls = ['--server', api.httpsUrl as string, '--certificate-authority', pki.ca.certPath];
  const pairs: Array<[string[], boolean]> = [
    [['multi', '--all-containers', '--prefix'], true],
    [['deploy/web'], false],
    [['nosuch'], false],
    [['remote'], false],
    [['-f', '-l', 'app=web', '--max-log-requests=10', '--tail=1', '--limit-bytes=8', '--prefix'], true],
  ];
  for (const [args, sortLines] of pairs) {
    const [a, b] = await Promise.all([sock(['logs', ...args, ...tls]), theirs(args)]);
    if (sortLines) assert.equal(sorted(a.stdout), sorted(b.stdout), args.join(' '));
    else assert.is(a.stdout, b.stdout, args.join(' '));
    assert.is(stableX509(firstLine(a.stderr)), stableX509(firstLine(b.stderr)), args.join(' '));
    assert.is(a.code, b.code, args.join(' '));
  }
  await resumeCase('flaky-tls', tls, 'tls');
});

test('Ctrl-C during -f :: ends at once, quietly, with 1 as kubectl (its interrupt handler) does', async () => {
  const ends = await Promise.all([[BINARY, api.unixUrl], [KUBECTL, api.httpUrl]].map(async ([bin, server]) => {
    const f = follow(bin as string, ['logs', 'single', '-f', '--server', server as string]);
    await f.waitFor('single 3\n');
    const t0 = Date.now();
    f.child.kill('SIGINT');
    const r = await f.done;
    return { ...r, ms: Date.now() - t0 };
  }));
  const [ours, theirs] = ends as [(typeof ends)[number], (typeof ends)[number]];
  assert.ok(ours.ms < 1500, `took ${ours.ms} ms`);
  assert.is(ours.stderr, '');
  assert.is(ours.code, theirs.code);
  assert.is(ours.code, 1);
});

test('a plain copy into `| cat` (stdout a pipe, written blocking) is every byte curl --unix-socket reads', async () => {
  const socket = (api.unixUrl as string).replace('unix://', '');
  const digest = (cmd: string) => `set -o pipefail; ${cmd} | cat | sha256sum`;
  const ours = await follow('bash', ['-c', digest(`${BINARY} logs big --server ${api.unixUrl}`)]).done;
  const curl = await follow('bash', ['-c', digest(`curl -sS --unix-socket ${socket} 'http://localhost/api/v1/namespaces/default/pods/big/log?container=app'`)]).done;
  assert.is(ours.code, 0, ours.stderr);
  assert.is(ours.stdout, curl.stdout);
  assert.is(ours.stderr, '');
});

test('closed stdout :: `| head -1` on a big log ends quietly, with SIGPIPE\'s 141 to the shell', async () => {
  // stdin closed from the start: the pipeline may be over before a write to it would land (EPIPE).
  // kubectl itself says 141 or, at random, 1 here (test/e2e/signals.test.ts); -f and get -w always 141.
  const r = await follow('bash', ['-c', `${BINARY} logs big --server ${api.unixUrl} | head -1; echo "status=\${PIPESTATUS[0]}" >&2`]).done;
  assert.is(r.stdout, 'generated 000000000001 ' + 'x'.repeat(76) + '\n');
  assert.is(r.stderr, 'status=141\n');
});

test('help :: kubectl\'s flags and texts, plus --stream', async () => {
  const a = await sock(['logs', '--help']);
  const b = await kubectl(['logs', '--help']);
  const withoutStream = a.stdout.replace(/ {4}--stream='':\n\t[^\n]*\n\n/, '');
  assert.is(withoutStream, b.stdout.replaceAll('kubectl logs', 'kubectl sock logs').replaceAll('kubectl options', 'kubectl sock options').replace(
    '  kubectl sock logs deployment/nginx -c nginx-1\n',
    '  kubectl sock logs deployment/nginx -c nginx-1\n  \n  # Return only what the containers of pod nginx wrote to stderr (needs the PodLogsQuerySplitStreams feature)\n  kubectl sock logs nginx --stream=Stderr\n',
  ));
  assert.match(a.stdout, /--insecure-skip-tls-verify-backend=false:\n\tSkip verifying the identity of the kubelet that logs are requested from\. {2}In theory, an attacker could provide invalid log content back\./);
});

test('--stream :: Stdout and Stderr pass PodLogOptions.stream; the server\'s error as is', async () => {
  assert.is((await ours(['chatty', '--stream=Stderr'])).stdout, 'err 1\n');
  assert.is((await ours(['chatty', '--stream=Stdout'])).stdout, 'out 1\nout 2\n');
  assert.is((await ours(['chatty', '--stream=All'])).stdout, 'out 1\nerr 1\nout 2\n');
  const both = await ours(['chatty', '--stream=Stderr', '--tail=1']);
  assert.is(both.stderr, 'The PodLogOptions "chatty" is invalid: : Forbidden: `tailLines` and specific `stream` are mutually exclusive for now\n');
  const bad = await ours(['chatty', '--stream=stderr']);
  assert.is(bad.stderr, 'error: invalid argument "stderr" for --stream: must be one of All, Stdout, Stderr\n');
  assert.ok(api.requests.some((r) => r.url.endsWith('/chatty/log?container=app&stream=Stderr')));
});

test.run();
