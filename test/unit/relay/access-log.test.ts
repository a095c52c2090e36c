// --access-log: the JSON line, the file's mode, appending, and stderr with '-'.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chownSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { formatRecord, openAccessLog } from '../../../plugin/relay/access-log.ts';
import { SockError } from '../../../plugin/errors.ts';
import { Capture } from '../../helpers/context.ts';
import { tempDir } from '../../helpers/kubeconfig-builder.ts';

const UID = process.geteuid?.() ?? -1;

const rec = { time: new Date('2026-01-02T03:04:05.678Z'), method: 'GET', path: '/api/v1/pods?watch=1', status: 200, bytes: 1234, durationMs: 12.3456789 };

test('formatRecord :: one JSON line, fields in order, duration to the microsecond', () => {
  assert.is(formatRecord(rec),
    '{"time":"2026-01-02T03:04:05.678Z","method":"GET","path":"/api/v1/pods?watch=1","status":200,"bytes":1234,"duration_ms":12.346}\n');
});

test('openAccessLog :: a new file is created 0600 and lines are appended after what was there', async () => {
  const dir = tempDir('ksock-log-');
  const path = join(dir, 'access.log');
  const log = await openAccessLog('access.log', dir, new Capture(), UID);
  log.write(rec);
  log.write({ ...rec, method: 'DELETE', status: 403 });
  await log.close();
  assert.is(statSync(path).mode & 0o777, 0o600);
  const again = await openAccessLog(path, '/', new Capture(), UID);
  again.write({ ...rec, path: '/version' });
  await again.close();
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { method: string; path: string; status: number });
  assert.equal(lines.map((l) => `${l.method} ${l.path} ${l.status}`), ['GET /api/v1/pods?watch=1 200', 'DELETE /api/v1/pods?watch=1 403', 'GET /version 200']);
});

test('openAccessLog :: an existing file of mine, 0600, is appended to', async () => {
  const path = join(tempDir('ksock-log-'), 'old.log');
  writeFileSync(path, 'earlier\n', { mode: 0o600 });
  const log = await openAccessLog(path, '/', new Capture(), UID);
  log.write(rec);
  await log.close();
  assert.ok(readFileSync(path, 'utf8').startsWith('earlier\n{"time"'));
  assert.is(statSync(path).mode & 0o777, 0o600);
});

/** The message openAccessLog refuses with; fails the test if it opens. */
async function refusal(target: string): Promise<string> {
  try {
    const log = await openAccessLog(target, '/', new Capture(), UID);
    await log.close();
  } catch (err) {
    assert.instance(err, SockError);
    return (err as Error).message;
  }
  throw new Error(`openAccessLog accepted ${target}`);
}

// Issue #18, finding 3: another user could plant a world-readable log and read every record,
// or point a symbolic link at a file of the proxy's user, which the proxy then appended to.
test('openAccessLog :: a file others may read or write is refused and left as it was (another user could have planted it)', async () => {
  const path = join(tempDir('ksock-log-'), 'planted.log');
  for (const mode of [0o644, 0o640, 0o604, 0o606, 0o660]) {
    writeFileSync(path, 'x', { mode });
    execFileSync('chmod', [mode.toString(8), path]);
    assert.is(await refusal(path), `refusing to write the access log to ${path}: other users may read or write it (mode 0${mode.toString(8)}); chmod 600 it or choose a new file`);
    assert.is(readFileSync(path, 'utf8'), 'x');
  }
});

test("openAccessLog :: a file another user owns is refused, even at 0600", async () => {
  const path = join(tempDir('ksock-log-'), 'theirs.log');
  writeFileSync(path, '', { mode: 0o600 });
  chownSync(path, 65534, 65534);
  assert.is(await refusal(path), `refusing to write the access log to ${path}: it belongs to another user (uid 65534)`);
});

test('openAccessLog :: a symbolic link is refused, and its target is not touched', async () => {
  const dir = tempDir('ksock-log-');
  const target = join(dir, 'precious');
  writeFileSync(target, 'keep me\n', { mode: 0o600 });
  const link = join(dir, 'access.log');
  symlinkSync(target, link);
  assert.is(await refusal(link), `refusing to write the access log to ${link}: it is a symbolic link`);
  assert.is(readFileSync(target, 'utf8'), 'keep me\n');
  assert.ok(lstatSync(link).isSymbolicLink());
  // A dangling link would have made open(O_CREAT) create its target.
  const dangling = join(dir, 'dangling.log');
  symlinkSync(join(dir, 'created-through-the-link'), dangling);
  assert.is(await refusal(dangling), `refusing to write the access log to ${dangling}: it is a symbolic link`);
  assert.throws(() => statSync(join(dir, 'created-through-the-link')));
});

test('openAccessLog :: a named pipe is refused without blocking', async () => {
  const path = join(tempDir('ksock-log-'), 'fifo.log');
  execFileSync('mkfifo', ['-m', '600', path]);
  assert.match(await refusal(path), /^refusing to write the access log to \S+fifo\.log: it is not a regular file$/);
});

test("openAccessLog :: '-' writes to stderr", async () => {
  const err = new Capture();
  const log = await openAccessLog('-', '/', err, UID);
  log.write(rec);
  await log.close();
  assert.is(err.text(), formatRecord(rec));
});

test('openAccessLog :: an unwritable place is a one-line error', async () => {
  try {
    await openAccessLog('/nonexistent-dir/access.log', '/', new Capture(), UID);
    assert.unreachable();
  } catch (err) {
    assert.instance(err, SockError);
    assert.is((err as Error).message, 'cannot open the access log: open /nonexistent-dir/access.log: no such file or directory');
  }
});

test.run();
