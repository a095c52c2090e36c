// Bad input ends with one clear line on stderr and exit 1, in kubectl's words
// where kubectl has words for it (real kubectl is the oracle).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.ts';
import { kc, tempDir } from '../helpers/kubeconfig-builder.ts';
import { BINARY, kubectl, run, sock, startKubectlProxy, type Background } from '../helpers/processes.ts';

let dir: string;
let api: FakeApiServer;
let proxy: Background & { address: string };
let good: string;

test.before(async () => {
  dir = tempDir('ksock-err-');
  api = await startFakeApiServer({ unixSocket: join(dir, 'api.sock'), tcp: true });
  good = kc()
    .cluster('c', { server: api.httpUrl })
    .context('c', { cluster: 'c' })
    .current('c')
    .write(join(dir, 'good.kubeconfig'));
  proxy = await startKubectlProxy(good, { unixSocket: join(dir, 'kube.sock') });
});

test.after(async () => {
  await proxy?.stop();
  await api?.close();
});

/** kubectl's text for the same mistake, with "kubectl sock" where kubectl names itself. */
async function assertSameAsKubectl(args: string[], env: Record<string, string> = {}) {
  const ours = await sock(args, { env });
  const theirs = await kubectl(args, { env });
  assert.is(ours.stderr, theirs.stderr.replaceAll("'kubectl ", "'kubectl sock "), `stderr of ${args.join(' ')}`);
  assert.is(ours.code, theirs.code, `exit code of ${args.join(' ')}`);
  assert.is(ours.code, 1);
}

function assertOneLine(r: { stderr: string; code: number | null }, pattern: RegExp) {
  assert.is(r.code, 1);
  assert.is(r.stderr.split('\n').length, 2, `one line: ${JSON.stringify(r.stderr)}`);
  assert.match(r.stderr, pattern);
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
}

test('kubectl parity :: unknown flag, unknown shorthand, missing flag value', async () => {
  await assertSameAsKubectl(['version', '--bogus']);
  await assertSameAsKubectl(['version', '-z']);
  await assertSameAsKubectl(['version', '--kubeconfig']);
});

test('kubectl parity :: bad --request-timeout', async () => {
  await assertSameAsKubectl(['version', '--kubeconfig', good, '--request-timeout=abc']);
});

test('kubectl parity :: unknown context, cluster, user', async () => {
  await assertSameAsKubectl(['version', '--kubeconfig', good, '--context', 'nosuch']);
  await assertSameAsKubectl(['version', '--kubeconfig', good, '--cluster', 'nosuch']);
  await assertSameAsKubectl(['version', '--kubeconfig', good, '--user', 'nosuch']);
});

test('kubectl parity :: missing --kubeconfig file', async () => {
  await assertSameAsKubectl(['version', '--kubeconfig', join(dir, 'missing.kubeconfig')]);
});

test('kubectl parity :: malformed kubeconfig (mistyped field)', async () => {
  const bad = join(dir, 'typed.kubeconfig');
  writeFileSync(bad, 'users:\n- name: u\n  user: {username: x, password: y}\n');
  await assertSameAsKubectl(['version', '--kubeconfig', bad]);
});

test('malformed kubeconfig (broken YAML) :: one line naming the file', async () => {
  const bad = join(dir, 'broken.kubeconfig');
  writeFileSync(bad, 'clusters: [\n');
  const r = await sock(['version', '--client=false', '--kubeconfig', bad]);
  assertOneLine(r, new RegExp(`^error: error loading config file "${bad}": yaml: `));
});

test('kubectl parity :: connection refused over TCP', async () => {
  const ours = await sock(['version', '--server', 'http://127.0.0.1:1']);
  const theirs = await kubectl(['version', '--server', 'http://127.0.0.1:1']);
  assert.is(ours.stderr, theirs.stderr);
  assert.is(ours.code, 1);
});

test('socket :: the socket file does not exist', async () => {
  const path = join(dir, 'nothing-here.sock');
  const r = await sock(['version', '--server', `unix://${path}`]);
  assertOneLine(r, new RegExp(`^Unable to connect to the server: dial unix ${path}: connect: no such file or directory \\(is the proxy running\\? start one with: kubectl proxy --unix-socket=${path}\\)\\n$`));
});

test('socket :: a stale socket file nobody listens on', async () => {
  const path = join(dir, 'stale.sock');
  // A listener killed hard leaves its socket file behind.
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`]);
  await new Promise((r) => child.stdout.once('data', r));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('close', r));
  const r = await sock(['version', '--server', path]);
  assertOneLine(r, /^Unable to connect to the server: dial unix .*stale\.sock: connect: connection refused \(nothing is listening on .*stale\.sock: the socket file is stale; restart the proxy that serves it\)\n$/);
});

test('socket :: a path that is not a socket', async () => {
  const path = join(dir, 'regular-file');
  writeFileSync(path, 'x');
  const r = await sock(['version', '--server', path]);
  assertOneLine(r, /^Unable to connect to the server: dial unix .*regular-file: connect: connection refused \(.*regular-file is not a socket\)\n$/);
});

test('socket :: permission denied (kubectl proxy makes its socket owner-only)', async () => {
  // Run as nobody against root's 0700-ish socket: what another local user sees.
  const home = join(dir, 'nobody-home');
  mkdirSync(home, { recursive: true });
  chmodSync(dir, 0o755);
  const r = await run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', BINARY, 'version', '--server', proxy.address], { env: { HOME: home } });
  assertOneLine(r, /^Unable to connect to the server: dial unix .*kube\.sock: connect: permission denied \(the socket's file permissions do not admit you; ask its owner for access\)\n$/);
});

test('socket :: the peer does not speak HTTP', async () => {
  api.faults.push({ kind: 'garbage', bytes: 'SSH-2.0-OpenSSH_9.2\r\n' });
  const r = await sock(['version', '--server', api.unixUrl as string]);
  assertOneLine(r, /^Unable to connect to the server: net\/http: HTTP\/1\.x transport connection broken: malformed HTTP response \(the peer at unix:\/\/.*api\.sock does not speak HTTP; is this the API server or a proxy's socket\?\)\n$/);
});

test('socket :: the peer hangs up without answering', async () => {
  // A log stream is the one GET client-go does not retry after EOF (Request.Stream); Go's transport
  // resends it once on the connection the pod's GET left open, so it is cut twice.
  api.addObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hangup', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] }, status: { phase: 'Running' } });
  api.setLogs('default', 'hangup', 'c', ['never shown']);
  api.faults.push({ kind: 'drop', times: 2, match: (req) => req.url.startsWith('/api/v1/namespaces/default/pods/hangup/log') });
  const r = await sock(['logs', 'hangup', '--server', api.unixUrl as string]);
  assertOneLine(r, /^Unable to connect to the server: EOF \(the peer at unix:\/\/.*api\.sock closed the connection before answering\)\n$/);
});

test('--request-timeout :: a slow server times out with ?timeout= sent', async () => {
  api.faults.push({ kind: 'slow', delayMs: 3000 });
  const r = await sock(['version', '--server', api.unixUrl as string, '--request-timeout=1s']);
  assertOneLine(r, /^Unable to connect to the server: net\/http: request canceled \(Client\.Timeout exceeded while awaiting headers\)\n$/);
});

test('kubectl parity :: an answer that is not JSON, in Go\'s words as each reader of it says them', async () => {
  api.addObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
  // Which request answers garbage, and the command that reads it: get decodes unstructured JSON, version
  // and discovery unmarshal the body themselves, logs' pod lookup goes through the typed REST decoder.
  const cases: Array<[string[], RegExp]> = [
    [['get', 'pods'], /^\/api\/v1\/namespaces\/default\/pods\?/],
    [['get', 'pod', 'p', '-o', 'yaml'], /^\/api\/v1\/namespaces\/default\/pods\/p(\?|$)/],
    [['version'], /^\/version\?/],
    [['logs', 'p'], /^\/api\/v1\/namespaces\/default\/pods\/p(\?|$)/],
    [['get', 'pods'], /^\/api\?/],
  ];
  let n = 0;
  const klogHeader = /^E\d{4} [\d:.]+ +\d+ /gm;
  for (const body of ['{"kind":', 'nope']) {
    for (const [args, path] of cases) {
      const answer = async (run: typeof sock, server: string) => {
        api.faults.push({ kind: 'status', code: 200, body, contentType: 'application/json', times: 100, match: (q) => path.test(q.url) });
        try {
          // A cache of its own each time: the discovery case must not be served from an earlier run's.
          return await run([...args, '--server', server, '--cache-dir', join(dir, `not-json-cache-${++n}`)]);
        } finally {
          api.faults.length = 0;
        }
      };
      const ours = await answer(sock, api.unixUrl as string);
      const theirs = await answer(kubectl, api.httpUrl as string);
      const what = `${args.join(' ')} with ${path} answering ${JSON.stringify(body)}`;
      assert.is(ours.stderr.replace(klogHeader, 'E '), theirs.stderr.replace(klogHeader, 'E '), what);
      assert.is(ours.code, theirs.code, what);
      assert.is(ours.code, 1, what);
    }
  }
});

test('unsupported server address :: lists the accepted forms', async () => {
  const r = await sock(['version', '--server', 'ftp://x']);
  assertOneLine(r, /^error: unsupported server address "ftp:\/\/x": use one of unix:\/\/\/path\/to\.sock, .*tcp:\/\/host\[:port\]/);
});

test('debug :: KUBECTL_SOCK_DEBUG adds the stack trace', async () => {
  const r = await sock(['version', '--server', 'ftp://x'], { env: { KUBECTL_SOCK_DEBUG: '1' } });
  assert.is(r.code, 1);
  assert.match(r.stderr, /\n\s+at /);
});

test.run();
