import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Readable } from 'node:stream';
import { KnownObjects } from '../../../../plugin/kube/get/watch.ts';
import { readWatchEvents, type StreamEnd, type WatchEvent } from '../../../../plugin/kube/get/watch-stream.ts';

async function drain(body: Readable): Promise<{ events: WatchEvent[]; end: StreamEnd }> {
  const events: WatchEvent[] = [];
  const it = readWatchEvents(body);
  for (;;) {
    const r = await it.next();
    if (r.done) return { events, end: r.value };
    events.push(r.value);
  }
}

const ev = (type: string, name: string, rv: string) => JSON.stringify({ type, object: { metadata: { name, resourceVersion: rv } } });

test('readWatchEvents :: one event per line, split anywhere across chunks', async () => {
  const text = `${ev('ADDED', 'a', '1')}\n${ev('MODIFIED', 'a', '2')}\n`;
  const chunks = [text.slice(0, 7), text.slice(7, 50), text.slice(50)].map((s) => Buffer.from(s));
  const { events, end } = await drain(Readable.from(chunks));
  assert.equal(events.map((e) => e.type), ['ADDED', 'MODIFIED']);
  assert.is(end, 'closed');
});

test('readWatchEvents :: a connection cut mid-event drops the partial event and reports it broken', async () => {
  const whole = `${ev('ADDED', 'a', '1')}\n`;
  const body = new Readable({ read() {} });
  body.push(whole);
  body.push(ev('ADDED', 'b', '2').slice(0, 20));
  setImmediate(() => body.destroy(new Error('other side closed')));
  const { events, end } = await drain(body);
  assert.equal(events.map((e) => (e.object['metadata'] as { name: string }).name), ['a']);
  assert.is(end, 'broken');
});

test('readWatchEvents :: multi-byte characters split across chunks survive', async () => {
  const text = `${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'ü-😀' } } })}\n`;
  const bytes = Buffer.from(text);
  const cut = bytes.indexOf(0xf0) + 2;
  const { events } = await drain(Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]));
  assert.is((events[0]?.object['metadata'] as { name: string }).name, 'ü-😀');
});

const row = (name: string, rv: string, status: string) => ({ cells: [name, status], object: { metadata: { name, namespace: 'ns', resourceVersion: rv } } });
const tableOf = (...rows: ReturnType<typeof row>[]) => ({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: {}, rows });

test('KnownObjects :: a relist becomes the events that happened meanwhile, in list order, deletions last', () => {
  const known = new KnownObjects();
  known.seed(tableOf(row('a', '1', 'Running'), row('c', '2', 'Running'), row('d', '3', 'Running')));
  known.apply('DELETED', tableOf(row('d', '4', 'Running')));
  const diff = known.diff([tableOf(row('a', '5', 'Failed'), row('b', '6', 'Running'), row('d', '3', 'Running'))]);
  const summary = diff.map((e) => `${e.type} ${((e.object['rows'] as Array<{ cells: string[] }>)[0]?.cells ?? []).join(' ')}`);
  assert.equal(summary, ['MODIFIED a Failed', 'ADDED b Running', 'ADDED d Running', 'DELETED c Running']);
  assert.equal(known.diff([tableOf(row('a', '5', 'Failed'), row('b', '6', 'Running'), row('d', '3', 'Running'))]), [], 'nothing changed since');
});

test('KnownObjects :: whole objects (no Table) are tracked the same way', () => {
  const known = new KnownObjects();
  const pod = (name: string, rv: string) => ({ metadata: { name, namespace: 'ns', resourceVersion: rv } });
  known.seed({ kind: 'PodList', items: [pod('a', '1')] });
  assert.equal(known.diff([{ kind: 'PodList', items: [pod('a', '2')] }]).map((e) => e.type), ['MODIFIED']);
});

test.run();
