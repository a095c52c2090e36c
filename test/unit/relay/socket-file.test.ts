// The socket file of `kubectl sock proxy --unix-socket`: its mode, what it refuses to replace, cleanup.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, chownSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { listenOnSocketFile, removeSocketFile, type SocketFile } from '../../../plugin/relay/socket-file.ts';
import { SockError } from '../../../plugin/errors.ts';
import { tempDir } from '../../helpers/kubeconfig-builder.ts';
import { failureOf } from '../../helpers/rejection.ts';

const servers: Server[] = [];

function newServer(): Server {
  const s = createServer((c) => c.on('error', () => undefined).end('hello'));
  servers.push(s);
  return s;
}

const UID = process.geteuid?.() ?? -1;

function place(path: string, opts: { mode?: number; allowSharedDir?: boolean; cwd?: string; socketOwner?: number } = {}): Promise<SocketFile> {
  return listenOnSocketFile(newServer(), { path, cwd: opts.cwd ?? '/', mode: opts.mode ?? 0o600, allowSharedDir: opts.allowSharedDir ?? false, uid: UID, socketOwner: opts.socketOwner });
}

function greet(path: string): Promise<string> {
  return new Promise((ok, fail) => {
    let text = '';
    connect(path).on('data', (c) => (text += c)).on('end', () => ok(text)).on('error', fail);
  });
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await failureOf(p);
  assert.instance(err, SockError);
  return err.message;
}

/** No private `.ks-*` folder may be left behind, whatever happened. */
function assertNoLeftovers(dir: string): void {
  assert.equal(readdirSync(dir).filter((n) => n.startsWith('.ks-')), []);
}

test.after(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

test('listenOnSocketFile :: the socket is 0600 (lstat), connectable, and nothing is left behind', async () => {
  const dir = tempDir('ksock-sf-');
  const path = join(dir, 'kube.sock');
  await place(path);
  const st = lstatSync(path);
  assert.ok(st.isSocket());
  assert.is(st.mode & 0o7777, 0o600);
  assert.is(await greet(path), 'hello');
  assertNoLeftovers(dir);
});

test('listenOnSocketFile :: --socket-mode=0660 is applied as given', async () => {
  const dir = tempDir('ksock-sf-');
  const path = join(dir, 'group.sock');
  await place(path, { mode: 0o660 });
  assert.is(lstatSync(path).mode & 0o7777, 0o660);
});

test('listenOnSocketFile :: a relative path resolves against the working folder', async () => {
  const dir = tempDir('ksock-sf-');
  const sock = await place('rel.sock', { cwd: dir });
  assert.is(sock.path, join(dir, 'rel.sock'));
  assert.ok(lstatSync(join(dir, 'rel.sock')).isSocket());
});

/** Every entry of the folder, with what another user could do with it. */
function snapshot(dir: string): string[] {
  return readdirSync(dir).map((name) => {
    const st = lstatSync(join(dir, name));
    const mode = (st.mode & 0o777).toString(8);
    return name.startsWith('.ks-') ? `private folder ${mode}` : `${name} ${st.isSocket() ? 'socket' : 'other'} ${mode}`;
  });
}

test('listenOnSocketFile :: never reachable with a wider mode at any step of its creation', async () => {
  const dir = tempDir('ksock-sf-');
  const path = join(dir, 'watched.sock');
  // A dead socket to replace, so every step runs.
  const { spawnSync } = await import('node:child_process');
  spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`], { stdio: 'ignore' });
  chmodSync(path, 0o600);
  const seen: string[] = [];
  await listenOnSocketFile(newServer(), {
    path, cwd: '/', mode: 0o600, allowSharedDir: false, uid: UID,
    afterStep: (step) => seen.push(...snapshot(dir).map((s) => `${step}: ${s}`)),
  });
  // Whatever the umask gave the freshly bound socket, it sits in a 0700 folder nobody else can enter.
  const wider = seen.filter((s) => !/: (private folder 700|watched\.sock socket 600)$/.test(s));
  assert.equal(wider, [], seen.join('\n'));
  assert.ok(seen.includes('linked: watched.sock socket 600'), seen.join('\n'));
  assert.equal(snapshot(dir), ['watched.sock socket 600']);
});

/**
 * What a user who controls the socket's folder (serve's socket owner, or anyone with
 * --allow-shared-dir) can do between mkdtemp and bind: move the private folder away
 * and put a link to a folder of theirs, or a folder of their own, under its name.
 */
function swapPrivateFolder(dir: string, impostor: (name: string) => void): () => string {
  let swapped = '';
  return () => {
    const name = readdirSync(dir).find((n) => n.startsWith('.ks-'));
    if (!name) return swapped;
    renameSync(join(dir, name), join(dir, 'moved-away'));
    impostor(join(dir, name));
    swapped = name;
    return swapped;
  };
}

for (const [kind, impostor] of [
  ['a link to a folder of theirs', (decoy: string) => (name: string) => symlinkSync(decoy, name)],
  ['a folder of their own (nobody, 0777)', () => (name: string) => {
    mkdirSync(name);
    chownSync(name, 65534, 65534);
    chmodSync(name, 0o777);
  }],
] as const) {
  test(`listenOnSocketFile :: the private folder swapped for ${kind} before bind: the socket is still bound in the folder made`, async () => {
    const dir = tempDir('ksock-sf-');
    const decoy = join(dir, 'decoy');
    mkdirSync(decoy);
    chmodSync(decoy, 0o777);
    const path = join(dir, 'kube.sock');
    const swap = swapPrivateFolder(dir, impostor(decoy));
    let swapped = '';
    await listenOnSocketFile(newServer(), {
      path, cwd: '/', mode: 0o600, allowSharedDir: true, uid: UID,
      afterStep: (step) => {
        if (step === 'private') swapped = swap();
      },
    });
    assert.ok(swapped, 'the swap happened between mkdtemp and bind');
    assert.equal(readdirSync(decoy), [], 'nothing was bound where the swapped-in name leads');
    assert.is(await greet(path), 'hello');
    assert.is(lstatSync(path).mode & 0o777, 0o600);
    assert.equal(readdirSync(join(dir, 'moved-away')), [], 'the private name was removed from the folder made');
    assert.ok(existsSync(join(dir, swapped)), "the impostor is left alone");
  });
}

test('listenOnSocketFile :: refuses to replace a regular file; its content is unchanged', async () => {
  const dir = tempDir('ksock-sf-');
  const path = join(dir, 'important.txt');
  writeFileSync(path, 'precious data\n', { mode: 0o640 });
  const msg = await refusal(place(path));
  assert.is(msg, `refusing to replace ${path}: it is a regular file, not a socket`);
  assert.is(readFileSync(path, 'utf8'), 'precious data\n');
  assert.is(statSync(path).mode & 0o777, 0o640);
  assertNoLeftovers(dir);
});

test('listenOnSocketFile :: refuses a directory', async () => {
  const dir = tempDir('ksock-sf-');
  const path = join(dir, 'adir');
  mkdirSync(path);
  writeFileSync(join(path, 'inside'), 'x');
  assert.is(await refusal(place(path)), `refusing to use ${path}: it is a directory, not a socket`);
  assert.is(readFileSync(join(path, 'inside'), 'utf8'), 'x');
});

test('listenOnSocketFile :: refuses a symbolic link, even to a dead socket; the link and its target stay', async () => {
  const dir = tempDir('ksock-sf-');
  const target = join(dir, 'target.txt');
  writeFileSync(target, 'target');
  const path = join(dir, 'link.sock');
  symlinkSync(target, path);
  assert.is(await refusal(place(path)), `refusing to replace ${path}: it is a symbolic link, not a socket`);
  assert.ok(lstatSync(path).isSymbolicLink());
  assert.is(readFileSync(target, 'utf8'), 'target');
});

test('listenOnSocketFile :: refuses a socket another process listens on', async () => {
  const dir = tempDir('ksock-sf-');
  const path = join(dir, 'live.sock');
  const other = createServer((c) => c.on('error', () => undefined).end('other'));
  servers.push(other);
  await new Promise<void>((r) => other.listen(path, r));
  assert.is(await refusal(place(path)), `${path} is in use: another process is listening on it`);
  assert.is(await greet(path), 'other');
});

test('listenOnSocketFile :: replaces a stale socket nobody listens on', async () => {
  const dir = tempDir('ksock-sf-');
  const path = join(dir, 'stale.sock');
  // A socket file left behind by a crashed proxy: bound, then the listener gone without unlinking.
  const { spawnSync } = await import('node:child_process');
  spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`], { stdio: 'ignore' });
  assert.ok(lstatSync(path).isSocket());
  const before = lstatSync(path).ino;
  await place(path);
  assert.is.not(lstatSync(path).ino, before);
  assert.is(await greet(path), 'hello');
  assertNoLeftovers(dir);
});

test('listenOnSocketFile :: refuses a group/world-writable folder without the sticky bit', async () => {
  const dir = join(tempDir('ksock-sf-'), 'shared');
  mkdirSync(dir);
  chmodSync(dir, 0o777);
  const path = join(dir, 'kube.sock');
  assert.is(await refusal(place(path)),
    `refusing to create a socket in ${dir}: the folder is writable by other users (mode 0777) and has no sticky bit, so they could replace the socket; use a private folder or pass --allow-shared-dir`);
  assert.not.ok(existsSync(path));
  assertNoLeftovers(dir);
  chmodSync(dir, 0o770);
  assert.match(await refusal(place(path)), /\(mode 0770\)/);
  await place(path, { allowSharedDir: true });
  assert.is(lstatSync(path).mode & 0o777, 0o600);
});

test('listenOnSocketFile :: a sticky world-writable folder (as /tmp) is fine', async () => {
  const dir = join(tempDir('ksock-sf-'), 'sticky');
  mkdirSync(dir);
  chmodSync(dir, 0o1777);
  await place(join(dir, 'kube.sock'));
  assert.ok(lstatSync(join(dir, 'kube.sock')).isSocket());
});

test('listenOnSocketFile :: a missing folder is a clear one-line error', async () => {
  const path = join(tempDir('ksock-sf-'), 'nope', 'kube.sock');
  assert.match(await refusal(place(path)), /^cannot create a socket in .*\/nope: no such file or directory$/);
});

test('listenOnSocketFile :: a path too long for sun_path is named as such', async () => {
  const dir = tempDir('ksock-sf-');
  const path = join(dir, `${'x'.repeat(120)}.sock`);
  assert.match(await refusal(place(path)), /^listen unix .*: bind: the path is too long for a unix socket \(\d+ bytes; at most 107\)$/);
  assertNoLeftovers(dir);
});

test('removeSocketFile :: removes our socket, but not a file that replaced it', async () => {
  const dir = tempDir('ksock-sf-');
  const path = join(dir, 'mine.sock');
  const sock = await place(path);
  await removeSocketFile(sock);
  assert.not.ok(existsSync(path));
  const again = await place(path);
  await removeSocketFile({ ...again, ino: again.ino + 1 });
  assert.ok(existsSync(path));
  const replaced = await place(join(dir, 'other.sock'));
  writeFileSync(join(dir, 'plain'), 'x');
  await removeSocketFile({ ...replaced, path: join(dir, 'plain') });
  assert.is(readFileSync(join(dir, 'plain'), 'utf8'), 'x');
});

test.run();
