// The probation of connections to a token-guarded relay (pre-auth.ts): a
// connection that has not shown the token is closed after the deadline, and
// a new one closes the oldest once the bound is reached; one that showed it
// stays.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { PreAuth } from '../../../plugin/relay/pre-auth.ts';

const conn = () => new PassThrough();

test('PreAuth :: past the bound, a new connection closes the oldest on probation, not one that showed the token', () => {
  const p = new PreAuth(2, 60_000);
  const [a, b, c, d] = [conn(), conn(), conn(), conn()];
  p.add(a);
  p.add(b);
  p.passed(a);
  p.add(c);
  assert.equal([a.destroyed, b.destroyed, c.destroyed], [false, false, false]);
  p.add(d);
  assert.equal([a.destroyed, b.destroyed, c.destroyed, d.destroyed], [false, true, false, false]);
  p.close();
});

test('PreAuth :: a connection that never shows the token is closed at the deadline, with the socket under it', async () => {
  const p = new PreAuth(10, 30);
  const [tls, raw, ok] = [conn(), conn(), conn()];
  p.add(tls, raw);
  p.add(ok);
  p.passed(ok);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal([tls.destroyed, raw.destroyed, ok.destroyed], [true, true, false]);
  p.close();
});

test.run();
