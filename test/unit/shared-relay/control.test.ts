// The control socket: a JSON line each way; no relay, a dead one or a hung one reads as none.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { askRelay, expiring, serveControl } from '../../../plugin/shared-relay/control.ts';
import type { RelayInfo } from '../../../plugin/shared-relay/relay-files.ts';
import { tempDir } from '../../helpers/kubeconfig-builder.ts';

const info: RelayInfo = { name: 'n', pid: 1, address: '127.0.0.1:1', server: 's', context: 'c', persist: false, idleMs: 1, started: '2026-01-01T00:00:00.000Z', notAfter: Date.parse('2026-01-11T00:00:00Z'), build: 'b' };

test('askRelay :: answered by serveControl, request by request', async () => {
  const path = join(tempDir(), 'c.sock');
  const seen: unknown[] = [];
  const server = await serveControl({ path }, (req) => {
    seen.push(req);
    return { ok: true, info };
  });
  try {
    assert.equal(await askRelay(path, { op: 'hello', lease: 9 }), { ok: true, info });
    assert.equal(seen, [{ op: 'hello', lease: 9 }]);
  } finally {
    server.close();
  }
});

test('askRelay :: undefined for no socket, nobody listening, garbage, silence', async () => {
  const dir = tempDir();
  assert.is(await askRelay(join(dir, 'none.sock'), { op: 'hello' }), undefined);
  const garbage = createServer((s) => s.end('not json\n'));
  const silent = createServer(() => undefined);
  await new Promise<void>((r) => garbage.listen(join(dir, 'g.sock'), r));
  await new Promise<void>((r) => silent.listen(join(dir, 's.sock'), r));
  try {
    assert.is(await askRelay(join(dir, 'g.sock'), { op: 'hello' }), undefined);
    assert.is(await askRelay(join(dir, 's.sock'), { op: 'hello' }, 200), undefined);
  } finally {
    garbage.close();
    silent.close();
  }
});

test('expiring :: the last tenth of the certificate, at most its last hour', () => {
  assert.not.ok(expiring(new Date('2026-01-10T22:59:59Z'), info));
  assert.ok(expiring(new Date('2026-01-10T23:00:00Z'), info));
  const short = { ...info, notAfter: Date.parse(info.started) + 10_000 };
  assert.not.ok(expiring(new Date(Date.parse(info.started) + 8_999), short));
  assert.ok(expiring(new Date(Date.parse(info.started) + 9_000), short));
});

test.run();
