// --access-log: the JSON line, the file's mode, appending, and stderr with '-'.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatRecord, openAccessLog } from '../../../plugin/relay/access-log.ts';
import { SockError } from '../../../plugin/errors.ts';
import { Capture } from '../../helpers/context.ts';
import { tempDir } from '../../helpers/kubeconfig-builder.ts';

const rec = { time: new Date('2026-01-02T03:04:05.678Z'), method: 'GET', path: '/api/v1/pods?watch=1', status: 200, bytes: 1234, durationMs: 12.3456789 };

test('formatRecord :: one JSON line, fields in order, duration to the microsecond', () => {
  assert.is(formatRecord(rec),
    '{"time":"2026-01-02T03:04:05.678Z","method":"GET","path":"/api/v1/pods?watch=1","status":200,"bytes":1234,"duration_ms":12.346}\n');
});

test('formatRecord :: a serve record names the socket, its owner and the identity after the time', () => {
  const served = { socket: '/run/ks/a.sock', owner: 'alice', identity: { username: 'alice', groups: ['devs'] } };
  assert.is(formatRecord({ ...rec, served }),
    '{"time":"2026-01-02T03:04:05.678Z","socket":"/run/ks/a.sock","owner":"alice","identity":{"username":"alice","groups":["devs"]},"method":"GET","path":"/api/v1/pods?watch=1","status":200,"bytes":1234,"duration_ms":12.346}\n');
});

test('openAccessLog :: a new file is created 0600 and lines are appended after what was there', async () => {
  const dir = tempDir('ksock-log-');
  const path = join(dir, 'access.log');
  const log = await openAccessLog('access.log', dir, new Capture());
  log.write(rec);
  log.write({ ...rec, method: 'DELETE', status: 403 });
  await log.close();
  assert.is(statSync(path).mode & 0o777, 0o600);
  const again = await openAccessLog(path, '/', new Capture());
  again.write({ ...rec, path: '/version' });
  await again.close();
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { method: string; path: string; status: number });
  assert.equal(lines.map((l) => `${l.method} ${l.path} ${l.status}`), ['GET /api/v1/pods?watch=1 200', 'DELETE /api/v1/pods?watch=1 403', 'GET /version 200']);
});

test('openAccessLog :: an existing file keeps its content and mode', async () => {
  const path = join(tempDir('ksock-log-'), 'old.log');
  writeFileSync(path, 'earlier\n', { mode: 0o640 });
  const log = await openAccessLog(path, '/', new Capture());
  log.write(rec);
  await log.close();
  assert.ok(readFileSync(path, 'utf8').startsWith('earlier\n{"time"'));
  assert.is(statSync(path).mode & 0o777, 0o640);
});

test("openAccessLog :: '-' writes to stderr", async () => {
  const err = new Capture();
  const log = await openAccessLog('-', '/', err);
  log.write(rec);
  await log.close();
  assert.is(err.text(), formatRecord(rec));
});

test('openAccessLog :: an unwritable place is a one-line error', async () => {
  try {
    await openAccessLog('/nonexistent-dir/access.log', '/', new Capture());
    assert.unreachable();
  } catch (err) {
    assert.instance(err, SockError);
    assert.is((err as Error).message, 'cannot open the access log: open /nonexistent-dir/access.log: no such file or directory');
  }
});

test.run();
