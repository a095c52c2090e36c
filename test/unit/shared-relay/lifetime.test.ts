// When a shared relay ends by itself: idle time, connections, leases, env's pin, a lost control socket.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Lifetime, type EndReason } from '../../../plugin/shared-relay/lifetime.ts';

function lifetime(o: { persist?: boolean; alive?: Set<number>; owned?: () => boolean } = {}) {
  let now = 0;
  const ended: EndReason[] = [];
  const alive = o.alive ?? new Set<number>();
  const l = new Lifetime({
    persist: o.persist ?? false, idleMs: 1000, now: () => now,
    alive: (pid) => alive.has(pid), owned: o.owned ?? (() => true), onEnd: (why) => ended.push(why),
  });
  l.start();
  const at = (ms: number) => {
    now = ms;
    l.check();
  };
  return { l, at, ended, alive, stop: () => l.stop() };
}

test('idle :: ends once, after idleMs with no client', () => {
  const t = lifetime();
  t.at(999);
  assert.equal(t.ended, []);
  t.at(1000);
  t.at(5000);
  assert.equal(t.ended, ['idle']);
});

test('connections :: an open connection keeps it; the idle clock starts when the last one closes', () => {
  const t = lifetime();
  t.l.setConnections(2);
  t.at(5000);
  t.l.setConnections(0);
  t.at(5500);
  assert.equal(t.ended, []);
  t.at(6000);
  assert.equal(t.ended, ['idle']);
});

test('lease :: a living kubectl keeps it with no connection open; its end starts the clock', () => {
  const t = lifetime({ alive: new Set([42]) });
  t.l.lease(42);
  t.at(10_000);
  assert.equal(t.ended, []);
  t.alive.delete(42);
  t.at(10_500);
  assert.equal(t.ended, []);
  t.at(11_500);
  assert.equal(t.ended, ['idle']);
});

test('pin :: env keeps it however long it is idle', () => {
  const t = lifetime();
  t.l.pin();
  t.at(1e9);
  assert.equal(t.ended, []);
  assert.ok(t.l.persist);
  t.stop();
  const persisted = lifetime({ persist: true });
  persisted.at(1e9);
  assert.equal(persisted.ended, []);
  persisted.stop();
});

test('orphaned :: a relay whose control socket is gone ends once no connection needs it, pinned or leased', () => {
  let owned = true;
  const t = lifetime({ persist: true, alive: new Set([7]), owned: () => owned });
  t.l.lease(7);
  t.l.setConnections(1);
  owned = false;
  t.at(100);
  assert.equal(t.ended, [], 'a connection still uses it');
  t.l.setConnections(0);
  t.at(200);
  assert.equal(t.ended, ['orphaned']);
});

test.run();
