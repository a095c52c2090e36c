// Streaming passthrough: `kubectl sock exec` (piped and under a terminal),
// `attach` and `port-forward` run real kubectl 1.33 through the shared relay,
// which carries the upgraded connections byte for byte to the fake API
// server's unix socket. The fake speaks Kubernetes' remote-command protocol
// (v5.channel.k8s.io over WebSocket) and port-forward (SPDY/3.1, tunnelled in
// a WebSocket or upgraded directly); its port-forward reaches a TCP echo
// server this file starts. Plain kubectl over TCP to the same fake is the oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.ts';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { BINARY, KUBECTL, cleanEnv, startBackground } from '../helpers/processes.ts';

let api: FakeApiServer;
let echo: Server;
let echoPort: number;
/** TMPDIR of every kubectl-sock run here: the passthrough must write nothing there. */
let sockTmp: string;
/** The passthrough runs the oracle kubectl, so both sides of each comparison are kubectl 1.33. */
const sockEnv: Record<string, string> = { KUBECTL_SOCK_KUBECTL: KUBECTL };
const viaSock = () => ({ cmd: BINARY, server: api.unixUrl as string, env: sockEnv });
const viaKubectl = () => ({ cmd: KUBECTL, server: api.httpUrl as string, env: {} });
type Via = ReturnType<typeof viaSock>;

test.before(async () => {
  const dir = tempDir('ksock-pt-streams-');
  sockTmp = join(dir, 'tmp');
  mkdirSync(sockTmp);
  sockEnv['TMPDIR'] = sockTmp;
  api = await startFakeApiServer({ unixSocket: join(dir, 'api.sock'), tcp: true });
  api.addObject({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], nodeName: 'node-1' },
    status: { phase: 'Running', podIP: '10.0.0.5' },
  });
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as AddressInfo).port;
});

test.after(async () => {
  echo?.close();
  await api?.close();
});

interface BytesResult {
  stdout: Buffer;
  stderr: string;
  code: number | null;
}

/** Runs to completion with `input` as stdin; stdout kept as bytes. */
function runBytes(via: Via, args: string[], input: Buffer | string = ''): Promise<BytesResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(via.cmd, ['--server', via.server, ...args], { env: cleanEnv(via.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr, code });
    });
  });
}

/** Upgrade requests that reached the fake's unix socket since `from`: the relay's, without the token. */
function upgradesOverSocket(from: number, subresource: string) {
  return api.requests.slice(from).filter((r) => r.listener === 'unix' && r.url.includes(`/pods/web/${subresource}`));
}

async function assertSameAsKubectl(args: string[], input = ''): Promise<BytesResult> {
  const ours = await runBytes(viaSock(), args, input);
  const theirs = await runBytes(viaKubectl(), args, input);
  assert.is(ours.stdout.toString(), theirs.stdout.toString(), `stdout of ${args.join(' ')}`);
  assert.is(ours.stderr, theirs.stderr, `stderr of ${args.join(' ')}`);
  assert.is(ours.code, theirs.code, `exit code of ${args.join(' ')}`);
  return ours;
}

test('exec -i :: piped text goes in and comes back as with kubectl; the upgrade reaches the socket without the token', async () => {
  const from = api.requests.length;
  const r = await assertSameAsKubectl(['exec', '-i', 'web', '--', 'echo-test'], 'hello\nworld\n');
  assert.is(r.stdout.toString(), 'hello\nworld\n');
  assert.is(r.stderr, 'echo-test on web/app\n');
  assert.is(r.code, 0);
  const ups = upgradesOverSocket(from, 'exec');
  assert.is(ups.length, 1);
  assert.is(ups[0]?.headers['upgrade'], 'websocket');
  assert.is(ups[0]?.headers['sec-websocket-protocol'], 'v5.channel.k8s.io');
  assert.is(ups[0]?.headers['authorization'], undefined, 'the relay token is not forwarded');
});

test('exec -i :: every byte value, both ways', async () => {
  const all = Buffer.alloc(4096);
  for (let i = 0; i < all.length; i++) all[i] = (i * 131 + (i >> 8)) & 0xff;
  const r = await runBytes(viaSock(), ['exec', '-i', 'web', '--', 'echo-test'], all);
  assert.is(r.code, 0, r.stderr);
  assert.ok(r.stdout.equals(all), `got ${r.stdout.length} bytes back`);
});

test('exec -i :: a 1 MiB payload comes back intact', async () => {
  const big = randomBytes(1 << 20);
  const started = Date.now();
  const r = await runBytes(viaSock(), ['exec', '-i', 'web', '--', 'sh', '-c', 'cat; echo done >&2; exit 0'], big);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr, 'done\n');
  assert.is(r.stdout.length, big.length);
  assert.ok(r.stdout.equals(big), 'same bytes');
  assert.ok(Date.now() - started < 30_000);
});

test("exec :: the command's exit code, stdout and stderr come back as with kubectl", async () => {
  const r = await assertSameAsKubectl(['exec', 'web', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.is(r.code, 3);
  assert.is(r.stdout.toString(), 'out\n');
  assert.is(r.stderr, 'err\ncommand terminated with exit code 3\n');
});

test('exec :: failures before and after the upgrade read as with kubectl', async () => {
  const notStarted = await assertSameAsKubectl(['exec', 'web', '--', 'nosuch']);
  assert.match(notStarted.stderr, /^error: Internal error occurred: error executing command in container: .*"nosuch": executable file not found/);
  const badContainer = await assertSameAsKubectl(['exec', 'web', '-c', 'nope', '--', 'echo-test']);
  assert.is(badContainer.stderr, 'Error from server (BadRequest): container nope is not valid for pod web\n');
  const noPod = await assertSameAsKubectl(['exec', 'nopod', '--', 'echo-test']);
  assert.is(noPod.stderr, 'Error from server (NotFound): pods "nopod" not found\n');
});

test('attach -i :: the main process gets stdin and answers', async () => {
  const r = await assertSameAsKubectl(['attach', '-i', 'web'], 'abc\n');
  assert.is(r.stdout.toString(), 'abc\n');
  assert.is(r.code, 0);
});

/** Shell-quotes one word for `script -c`. */
const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * Runs `args` under a pseudo-terminal (util-linux `script`, 100×30 columns
 * and rows), types `keys` once the marker is on screen, then Ctrl-D.
 */
function underTerminal(via: Via, args: string[], keys: string): Promise<{ screen: string; code: number | null }> {
  const line = ['stty cols 100 rows 30;', 'exec', q(via.cmd), '--server', q(via.server), ...args.map(q)].join(' ');
  const child = spawn('script', ['-qec', line, '/dev/null'], { env: cleanEnv(via.env), stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let typed = false;
  let ended = false;
  child.stdout.on('data', (c: Buffer) => {
    screen += c.toString('latin1');
    // Type only once kubectl has the terminal in raw mode and the session runs.
    if (!typed && screen.includes('echo-test on web/app\r\n')) {
      typed = true;
      child.stdin.write(keys);
    }
    if (typed && !ended && screen.includes(keys.replaceAll('\r', '\r\n'))) {
      ended = true;
      child.stdin.write('\x04');
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ screen, code });
    }),
  );
}

test('exec -it :: under a terminal, typed bytes reach the command, its echo and the terminal size come back', async () => {
  const ours = await underTerminal(viaSock(), ['exec', '-it', 'web', '--', 'echo-test'], 'hi there\r');
  assert.is(ours.screen, 'echo-test on web/app\r\nhi there\r\n\r\nreceived 6869207468657265' + '0d size 100x30\r\n');
  assert.is(ours.code, 0);
  const theirs = await underTerminal(viaKubectl(), ['exec', '-it', 'web', '--', 'echo-test'], 'hi there\r');
  assert.is(ours.screen, theirs.screen);
});

test('exec -it :: the exit code of a command under a terminal', async () => {
  const line = ['exec', q(BINARY), '--server', q(api.unixUrl as string), 'exec', '-it', 'web', '--', 'sh', '-c', q('exit 4')].join(' ');
  const child = spawn('script', ['-qec', line, '/dev/null'], { env: cleanEnv(sockEnv), stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  child.stdout.on('data', (c: Buffer) => (screen += c));
  const code = await new Promise((r) => child.on('close', r));
  assert.is(code, 4);
  assert.is(screen, 'command terminated with exit code 4\r\n');
});

/** Sends `payload` on a fresh connection to the forwarded port, half-closes, returns what came back. */
function exchange(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    s.on('data', (d: Buffer) => got.push(d));
    s.on('end', () => resolve(Buffer.concat(got)));
    s.on('error', reject);
    s.end(payload);
  });
}

/** `port-forward pod/web 0:<echo port>`; returns the transcript with the local port as LOCAL. */
async function portForward(via: Via, env: Record<string, string> = {}): Promise<string> {
  const bg = await startBackground(via.cmd, ['--server', via.server, 'port-forward', 'pod/web', `0:${echoPort}`], /^Forwarding from 127\.0\.0\.1:\d+ /, {
    env: { ...via.env, ...env },
  });
  try {
    const local = Number(/127\.0\.0\.1:(\d+)/.exec(bg.line)?.[1]);
    const small = Buffer.from('ping\n');
    assert.ok((await exchange(local, small)).equals(small), 'a line echoes');
    const big = randomBytes(1 << 20);
    assert.ok((await exchange(local, big)).equals(big), '1 MiB echoes');
    // Two connections at once share the one upgraded connection, as separate stream pairs.
    const [a, b] = [randomBytes(70_000), randomBytes(70_000)];
    const [ra, rb] = await Promise.all([exchange(local, a), exchange(local, b)]);
    assert.ok(ra.equals(a) && rb.equals(b), 'concurrent connections stay apart');
    // Sorted: kubectl may take the first connection before it has printed its IPv6 listener.
    const lines = bg.output().replaceAll(String(local), 'LOCAL').replaceAll(String(echoPort), 'REMOTE').split('\n');
    return lines.filter((l) => l !== '').sort().join('\n');
  } finally {
    await bg.stop('SIGINT');
  }
}

test('port-forward :: over the WebSocket tunnel (SPDY/3.1+portforward.k8s.io), bytes both ways, as with kubectl', async () => {
  const from = api.requests.length;
  const ours = await portForward(viaSock());
  const ups = upgradesOverSocket(from, 'portforward');
  assert.is(ups.length, 1);
  assert.is(ups[0]?.headers['sec-websocket-protocol'], 'SPDY/3.1+portforward.k8s.io');
  assert.is(ups[0]?.headers['authorization'], undefined);
  const theirs = await portForward(viaKubectl());
  assert.is(ours, theirs);
  assert.is(ours, ['Forwarding from 127.0.0.1:LOCAL -> REMOTE', 'Forwarding from [::1]:LOCAL -> REMOTE', ...Array(4).fill('Handling connection for LOCAL')].sort().join('\n'));
});

test('port-forward :: over a SPDY/3.1 upgrade (KUBECTL_PORT_FORWARD_WEBSOCKETS=false), bytes both ways', async () => {
  const from = api.requests.length;
  const ours = await portForward(viaSock(), { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' });
  const ups = upgradesOverSocket(from, 'portforward');
  assert.is(ups.length, 1);
  assert.is(ups[0]?.headers['upgrade'], 'SPDY/3.1');
  assert.is(ups[0]?.headers['x-stream-protocol-version'], 'portforward.k8s.io');
  assert.match(ours, /^Forwarding from 127\.0\.0\.1:LOCAL -> REMOTE$/m);
});

/** `kubectl … -- logs -f web` (kubectl's own logs, forced through): what it printed after a line was appended, then Ctrl-C. */
async function followed(via: Via, line: string): Promise<string> {
  const args = via.cmd === BINARY ? ['--', 'logs', '-f', 'web'] : ['logs', '-f', 'web'];
  const bg = await startBackground(via.cmd, ['--server', via.server, ...args], /^first$/, { env: via.env });
  try {
    api.appendLogs('default', 'web', 'app', [line]);
    const until = Date.now() + 15_000;
    while (!bg.output().includes(line) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    return bg.output();
  } finally {
    await bg.stop('SIGINT');
  }
}

test('logs -f :: kubectl\'s own follow through the relay gets the lines appended while it runs, as with kubectl', async () => {
  api.setLogs('default', 'web', 'app', ['first']);
  const ours = await followed(viaSock(), 'appended for sock');
  const theirs = await followed(viaKubectl(), 'appended for kubectl');
  assert.is(ours, 'first\nappended for sock\n');
  assert.is(theirs, 'first\nappended for sock\nappended for kubectl\n');
});

test('streams :: nothing is left in TMPDIR, port-forward ended by Ctrl-C included', () => {
  assert.equal(readdirSync(sockTmp), []);
});

test.run();
