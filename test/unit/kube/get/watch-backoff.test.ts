// How often `get -w` may ask again (issue #18, finding 6: about 3.4 million
// requests in 10 minutes against a server that ended every watch at once).
// client-go's reflector backoff, and the watch loop under simulated time
// against servers that end each watch at once, with or without events, or fail.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Readable } from 'node:stream';
import type { KubeClient, KubeRequest, KubeResponse } from '../../../../plugin/kube/rest/client.ts';
import type { ApiResource } from '../../../../plugin/kube/discovery/discovery.ts';
import { ReflectorBackoff } from '../../../../plugin/kube/get/watch-backoff.ts';
import { KnownObjects, runWatchLoop, type WatchLoop } from '../../../../plugin/kube/get/watch.ts';
import { newKlog } from '../../../../plugin/klog.ts';
import { Capture } from '../../../helpers/context.ts';

test('ReflectorBackoff :: 0.8 s doubling to the 30 s cap, as wait.NewExponentialBackoffManager(800ms, 30s, 2m, 2.0, 1.0)', () => {
  let now = 0;
  const shortest = new ReflectorBackoff(() => now, () => 0);
  const waits = Array.from({ length: 9 }, () => {
    const w = shortest.next();
    now += w;
    return w;
  });
  assert.equal(waits, [800, 1600, 3200, 6400, 12_800, 25_600, 30_000, 30_000, 30_000]);
  const longest = new ReflectorBackoff(() => 0, () => 0.5);
  assert.equal([longest.next(), longest.next()], [1200, 2400], 'jitter adds up to the wait itself');
});

test('ReflectorBackoff :: starts over once two minutes pass without a backoff', () => {
  let now = 0;
  const b = new ReflectorBackoff(() => now, () => 0);
  for (let i = 0; i < 5; i++) b.next();
  now += 120_001;
  assert.is(b.next(), 800);
  now += 119_000;
  assert.is(b.next(), 1600);
});

const POD: ApiResource = { group: '', version: 'v1', resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: [], categories: [], verbs: ['list', 'watch'], preferred: true };

/** A server under simulated time: `answer` makes each watch's response, and each request costs `latencyMs`. */
function simulate(answer: (n: number) => { status: number; body: string }, latencyMs = 5): { loop: WatchLoop; requests: () => number; clock: () => number } {
  let now = 0;
  let requests = 0;
  const abort = new AbortController();
  const client = {
    config: { timeoutMs: 0 },
    async send(_req: KubeRequest): Promise<KubeResponse> {
      requests++;
      now += latencyMs;
      // Ten simulated minutes are enough to tell a storm from a backoff; a loop that never waits
      // would spin forever in simulated time, so it is stopped too (and the test fails).
      if (now > 600_000 || requests > 20_000) abort.abort('done');
      const a = answer(requests);
      return { status: a.status, statusText: '', headers: { 'content-type': 'application/json' }, body: Readable.from([Buffer.from(a.body)]) };
    },
    async ensureOk(res: KubeResponse): Promise<void> {
      if (res.status >= 300) throw new Error(`HTTP ${res.status}`);
    },
  } as unknown as KubeClient;
  const loop: WatchLoop = {
    client,
    visit: { resource: POD, namespace: 'default' },
    shape: { table: false, includeObject: 'Metadata', labelSelector: '', fieldSelector: '', chunkSize: 0 },
    klog: newKlog(0, new Capture(), () => new Date(0), 1),
    signal: abort.signal,
    sink: { event: async () => undefined },
    resourceVersion: '1',
    skipFirst: false,
    known: new KnownObjects(),
    timeoutMs: 0,
    now: () => now,
    random: () => 0.5,
    sleep: async (ms) => {
      now += ms;
    },
  };
  return { loop, requests: () => requests, clock: () => now };
}

const event = (rv: number) => `${JSON.stringify({ type: 'MODIFIED', object: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'web', namespace: 'default', resourceVersion: String(rv) } } })}\n`;

const SERVERS: Array<[string, (n: number) => { status: number; body: string }]> = [
  ['ends every watch at once with nothing in it', () => ({ status: 200, body: '' })],
  ['ends every watch at once after one event', (n) => ({ status: 200, body: event(n) })],
  ['answers every watch with 429 Too Many Requests', () => ({ status: 429, body: '' })],
];
for (const [name, answer] of SERVERS) {
  test(`runWatchLoop :: a server that ${name}: at most the reflector's rate over ten minutes`, async () => {
    const s = simulate(answer);
    await runWatchLoop(s.loop).catch(() => undefined);
    // 0.8+1.6+3.2+6.4+12.8+25.6 s (jitter 0.5: x1.5), then one per 45 s: about 17 in ten minutes.
    assert.ok(s.requests() <= 20, `${s.requests()} requests in ${Math.round(s.clock() / 1000)} s`);
  });
}

test('runWatchLoop :: a watch that lasted is resumed at once, as the reflector resumes it', async () => {
  let sleeps = 0;
  const s = simulate((n) => ({ status: 200, body: n <= 3 ? event(n) : '' }), 5 * 60_000);
  const sleep = s.loop.sleep as NonNullable<WatchLoop['sleep']>;
  s.loop.sleep = async (ms, signal) => {
    sleeps++;
    await sleep(ms, signal);
  };
  await runWatchLoop(s.loop);
  assert.is(sleeps, 0, 'no wait after five-minute watches');
});

test('runWatchLoop :: --request-timeout ends the loop once its time is up (kubectl exits 0 then)', async () => {
  const s = simulate(() => ({ status: 200, body: '' }), 300);
  s.loop.timeoutMs = 2000;
  assert.is(await runWatchLoop(s.loop), 'ended');
  assert.ok(s.clock() <= 2300, `${s.clock()} ms`);
});

test.run();
