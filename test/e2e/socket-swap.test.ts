// Socket swaps by another local user (issue #18, finding 2), with a real second
// uid (nobody). In each layout the review used, a folder on the socket's path
// is one nobody may change: a folder nobody owns (0755), a sticky folder nobody
// owns (1777), and a private folder inside a world-writable one. There nobody
// moves the proxy's socket (or its folder) aside and listens in its place, and
// the next client's Secret goes to them. kubectl sock proxy must refuse such a
// path before it serves. In a sticky folder root owns (as /tmp) and in a
// private one, nobody's swap fails and the Secret reaches the proxy.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.ts';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { BINARY, cleanEnv } from '../helpers/processes.ts';

const NOBODY = 65534;
const SECRET = 'c2VjcmV0LWRhdGEtZm9yLXRoZS1wcm94eQ==';
let base: string;
let api: FakeApiServer;
const children: ChildProcess[] = [];

test.before(async () => {
  base = tempDir('ksock-swap-');
  // nobody must be able to reach the layouts below.
  chmodSync(base, 0o755);
  api = await startFakeApiServer({ unixSocket: join(base, 'api.sock') });
});

test.after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await api.close();
});

/** A folder with an owner and a mode (mkdir's mode is cut by the umask, so chmod after). */
function folder(path: string, uid: number, mode: number): string {
  mkdirSync(path);
  chownSync(path, uid, uid);
  chmodSync(path, mode);
  return path;
}

/** Starts kubectl sock proxy on `sock`; resolves with the child once serving, or with its output if it exited. */
function startProxy(sock: string): Promise<{ child?: ChildProcess; output: string; code?: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(BINARY, ['proxy', '--server', api.unixUrl as string, `--unix-socket=${sock}`], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    const onData = (c: Buffer) => {
      output += c;
      if (/Starting to serve on /.test(output)) resolve({ child, output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => resolve({ output, code }));
  });
}

/** nobody's attack: move `from` aside, make `mkdir` a folder of theirs when asked, and listen at `sock`, printing what arrives. */
const ATTACKER = `
const fs = require('node:fs'), net = require('node:net');
const [from, to, mkdir, sock] = process.argv.slice(1);
try { fs.renameSync(from, to); if (mkdir) fs.mkdirSync(mkdir, 0o755); } catch (e) { process.stderr.write('swap failed: ' + e.code + '\\n'); process.exit(3); }
net.createServer((c) => {
  let answered = false;
  c.on('data', (d) => {
    process.stdout.write(d);
    if (!answered) { answered = true; setTimeout(() => c.end('HTTP/1.1 201 Created\\r\\nContent-Type: application/json\\r\\nContent-Length: 2\\r\\nConnection: close\\r\\n\\r\\n{}'), 100); }
  });
}).listen(sock, () => { fs.chmodSync(sock, 0o777); process.stderr.write('ready\\n'); });
`;

/** Runs the attack as nobody; resolves once it listens (or failed), with a reader for what it received. */
function attack(from: string, to: string, mkdir: string, sock: string): Promise<{ swapped: boolean; received: () => string; stderr: () => string }> {
  return new Promise((resolve) => {
    const child = spawn('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, '-e', ATTACKER, from, to, mkdir, sock], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => {
      err += c;
      if (/ready/.test(err)) resolve({ swapped: true, received: () => out, stderr: () => err });
    });
    child.on('close', () => resolve({ swapped: false, received: () => out, stderr: () => err }));
  });
}

/** What `kubectl sock create secret` sends: a POST of the Secret to whatever listens at the socket path. */
function createSecret(sock: string): Promise<string> {
  const body = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { password: SECRET } });
  return new Promise((resolve) => {
    const req = request({ socketPath: sock, method: 'POST', path: '/api/v1/namespaces/default/secrets', headers: { host: 'localhost', 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(`HTTP ${res.statusCode}`));
    });
    req.on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code}`));
    req.end(body);
  });
}

interface Layout {
  name: string;
  /** The socket path, and the attack: what nobody renames where, and the folder they make in its place. */
  make(dir: string): { sock: string; from: string; to: string; mkdir: string };
  /** Whether kubectl sock proxy must refuse the path. */
  refused: RegExp | undefined;
}

const LAYOUTS: Layout[] = [
  {
    name: 'a folder nobody owns, mode 0755',
    make: (d) => {
      const f = folder(join(d, 'theirs'), NOBODY, 0o755);
      return { sock: join(f, 'kube.sock'), from: join(f, 'kube.sock'), to: join(f, 'moved.sock'), mkdir: '' };
    },
    refused: /^error: refusing to create a socket in \S+\/theirs: the folder belongs to another user \(uid 65534\), who could replace the socket; use a private folder or pass --allow-shared-dir$/,
  },
  {
    name: 'a sticky folder nobody owns, mode 1777',
    make: (d) => {
      const f = folder(join(d, 'sticky-theirs'), NOBODY, 0o1777);
      return { sock: join(f, 'kube.sock'), from: join(f, 'kube.sock'), to: join(f, 'moved.sock'), mkdir: '' };
    },
    refused: /^error: refusing to create a socket in \S+\/sticky-theirs: the folder belongs to another user \(uid 65534\), who could replace the socket; use a private folder or pass --allow-shared-dir$/,
  },
  {
    name: 'a private folder (0700) inside a world-writable one (0777)',
    make: (d) => {
      const sh = folder(join(d, 'sh'), 0, 0o777);
      const sub = folder(join(sh, 'sub'), 0, 0o700);
      return { sock: join(sub, 'kube.sock'), from: sub, to: join(sh, 'moved'), mkdir: sub };
    },
    refused: /^error: refusing to create a socket in \S+\/sh\/sub: the folder \S+\/l2\/sh above it is writable by other users \(mode 0777\) and has no sticky bit, so they could replace the folder; use a private folder or pass --allow-shared-dir$/,
  },
  {
    name: 'a sticky folder root owns, mode 1777 (as /tmp)',
    make: (d) => {
      const f = folder(join(d, 'tmp-like'), 0, 0o1777);
      return { sock: join(f, 'kube.sock'), from: join(f, 'kube.sock'), to: join(f, 'moved.sock'), mkdir: '' };
    },
    refused: undefined,
  },
  {
    name: 'a folder root owns, mode 0755',
    make: (d) => {
      const f = folder(join(d, 'private'), 0, 0o755);
      return { sock: join(f, 'kube.sock'), from: join(f, 'kube.sock'), to: join(f, 'moved.sock'), mkdir: '' };
    },
    refused: undefined,
  },
];

for (const layout of LAYOUTS) {
  test(`socket swap by nobody :: ${layout.name} :: ${layout.refused ? 'refused before serving' : 'the swap fails, the Secret reaches the proxy'}`, async () => {
    const dir = folder(join(base, `l${LAYOUTS.indexOf(layout)}`), 0, 0o755);
    const l = layout.make(dir);
    const proxy = await startProxy(l.sock);
    if (proxy.child) {
      // Serving: nobody tries the swap, then a client creates a Secret through the socket path.
      const a = await attack(l.from, l.to, l.mkdir, l.sock);
      const answer = await createSecret(l.sock);
      assert.not.match(a.received(), SECRET, `nobody received the Secret (client saw ${answer}; the proxy started: ${proxy.output.trim()})`);
      assert.is(a.swapped, false, `nobody swapped the socket: ${a.stderr()}`);
      assert.is(layout.refused, undefined, `the proxy served at ${l.sock}: ${proxy.output.trim()}`);
      proxy.child.kill('SIGTERM');
    } else {
      assert.ok(layout.refused, `the proxy refused a safe path: ${proxy.output}`);
      assert.match(proxy.output.trim(), layout.refused as RegExp);
      assert.is(proxy.code, 1);
      assert.not.ok(existsSync(l.sock), 'no socket file is left');
    }
  });
}

test.run();
