// A load generator for the relay (kubectl sock proxy, the passthrough relay):
// many keep-alive clients, each one connection, issuing plain GETs, watches and
// followed logs against the fake API server's `load` namespace, and checking
// every answer in full. A ticker changes the world while they run (a pod is
// modified, a log grows), so streams carry events mid-flight whose order can be
// checked: ticks are numbered and must arrive consecutively.
import { Client } from 'undici';
import type { FakeApiServer, K8sObject } from './fake-apiserver.ts';

export const LOAD_NAMESPACE = 'load';
const PODS = Array.from({ length: 8 }, (_, i) => `pod-${i}`);
const TICKER = 'ticker';
const LOGGER = 'logger';
/** Fixed-width log lines, so limitBytes cuts at a line boundary: `tick 000042\n`. */
const LINE_BYTES = 12;
const tickLine = (n: number) => `tick ${String(n).padStart(6, '0')}`;

function pod(name: string, labels: Record<string, string> = {}): K8sObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: LOAD_NAMESPACE, creationTimestamp: '2026-01-01T00:00:00Z', labels },
    spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'app:1' }] },
    status: { phase: 'Running' },
  };
}

/** Every pod name in the load namespace, as a list returns them (by name). */
const ALL_PODS = [...PODS, LOGGER, TICKER].sort();

/**
 * Seeds the load namespace and starts the ticker: the log of `logger` gets a
 * numbered line every 50 ms, the pod `ticker` a new `tick` label every 100 ms.
 * Returns a function that stops it.
 */
export function seedLoad(api: FakeApiServer): () => void {
  api.addObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: LOAD_NAMESPACE } });
  for (const name of [...PODS, LOGGER]) api.addObject(pod(name));
  let podTick = 0;
  api.addObject(pod(TICKER, { tick: String(podTick) }));
  let logTick = 0;
  api.setLogs(LOAD_NAMESPACE, LOGGER, 'app', Array.from({ length: 20 }, () => tickLine(logTick++)));
  const logs = setInterval(() => api.appendLogs(LOAD_NAMESPACE, LOGGER, 'app', [tickLine(logTick++)]), 50);
  const pods = setInterval(() => {
    api.updateObject(pod(TICKER, { tick: String(++podTick) }));
    // The fake records every request; under load that record is not what is being measured.
    api.requests.length = 0;
  }, 100);
  return () => {
    clearInterval(logs);
    clearInterval(pods);
  };
}

/** How a load client reaches the relay under test. */
export interface LoadTarget {
  origin: string;
  socketPath?: string;
  /** The relay's certificate, for a TLS relay. */
  ca?: string;
  headers?: Record<string, string>;
}

/** What the clients did: every request issued ends as completed (answer checked) or failed. */
export interface Tally {
  issued: number;
  completed: number;
  failed: number;
  /** The first few failures, for the assertion message. */
  failures: string[];
  /** Completed requests per kind. */
  byKind: Record<string, number>;
}

type Check = (status: number, body: AsyncIterable<Buffer>) => Promise<void>;

interface Kind {
  name: string;
  /** Relative weight in the mix. */
  weight: number;
  path(rng: () => number): { path: string; check: Check };
}

class Mismatch extends Error {}

function expect(cond: boolean, what: string): asserts cond {
  if (!cond) throw new Mismatch(what);
}

async function readAll(body: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
}

/** Calls `onLine` for each complete line until it returns true (then the stream is closed by the client). */
async function eachLine(body: AsyncIterable<Buffer>, onLine: (line: string) => boolean): Promise<'stopped' | 'ended'> {
  let rest = '';
  for await (const c of body) {
    rest += c.toString('utf8');
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      if (onLine(line)) return 'stopped';
    }
  }
  expect(rest === '', `stream ended inside a line: ${JSON.stringify(rest.slice(0, 80))}`);
  return 'ended';
}

/** Log lines must be consecutive ticks. */
function tickChecker(): (line: string) => number {
  let last = -1;
  let seen = 0;
  return (line) => {
    const m = /^tick (\d{6})$/.exec(line);
    expect(m !== null, `not a log line: ${JSON.stringify(line)}`);
    const n = Number(m[1]);
    expect(last < 0 || n === last + 1, `log line ${n} after ${last}`);
    last = n;
    return ++seen;
  };
}

const podPath = `/api/v1/namespaces/${LOAD_NAMESPACE}/pods`;
const logPath = `${podPath}/${LOGGER}/log`;

const KINDS: Kind[] = [
  {
    name: 'get', weight: 35,
    path(rng) {
      const name = PODS[Math.floor(rng() * PODS.length)] as string;
      return {
        path: `${podPath}/${name}`,
        async check(status, body) {
          const obj = JSON.parse(await readAll(body)) as K8sObject;
          expect(status === 200 && obj.metadata.name === name, `get ${name}: ${status} ${obj.metadata?.name}`);
        },
      };
    },
  },
  {
    name: 'list', weight: 12,
    path: () => ({
      path: podPath,
      async check(status, body) {
        const list = JSON.parse(await readAll(body)) as { items: K8sObject[] };
        const names = list.items.map((o) => o.metadata.name).join(',');
        expect(status === 200 && names === ALL_PODS.join(','), `list: ${status} ${names}`);
      },
    }),
  },
  {
    name: 'version', weight: 8,
    path: () => ({
      path: '/version',
      async check(status, body) {
        const v = JSON.parse(await readAll(body)) as { gitVersion?: string };
        expect(status === 200 && v.gitVersion === 'v1.32.4-fake', `version: ${status} ${v.gitVersion}`);
      },
    }),
  },
  {
    name: 'not-found', weight: 5,
    path: () => ({
      path: `${podPath}/nosuch`,
      async check(status, body) {
        const s = JSON.parse(await readAll(body)) as { kind?: string; reason?: string };
        expect(status === 404 && s.kind === 'Status' && s.reason === 'NotFound', `not-found: ${status} ${s.reason}`);
      },
    }),
  },
  {
    name: 'log', weight: 5,
    path: () => ({
      path: `${logPath}?tailLines=20`,
      async check(status, body) {
        expect(status === 200, `log: ${status}`);
        const ticks = tickChecker();
        let n = 0;
        expect((await eachLine(body, (l) => ((n = ticks(l)), false))) === 'ended' && n === 20, `log: ${n} lines`);
      },
    }),
  },
  {
    // Followed to its limitBytes: the server ends it after 2 old lines and 3 new ones.
    name: 'follow-limit', weight: 6,
    path: () => ({
      path: `${logPath}?follow=true&tailLines=2&limitBytes=${5 * LINE_BYTES}`,
      async check(status, body) {
        expect(status === 200, `follow-limit: ${status}`);
        const ticks = tickChecker();
        let n = 0;
        expect((await eachLine(body, (l) => ((n = ticks(l)), false))) === 'ended' && n === 5, `follow-limit: ${n} lines`);
      },
    }),
  },
  {
    // Followed until 3 new lines came, then closed by the client, as Ctrl-C on `logs -f` does.
    name: 'follow-close', weight: 6,
    path: () => ({
      path: `${logPath}?follow=true&tailLines=2`,
      async check(status, body) {
        expect(status === 200, `follow-close: ${status}`);
        const ticks = tickChecker();
        expect((await eachLine(body, (l) => ticks(l) === 5)) === 'stopped', 'follow-close: the stream ended early');
      },
    }),
  },
  {
    // To the server's timeoutSeconds: every pod ADDED, then the ticker's MODIFIED events in order.
    name: 'watch-timeout', weight: 5,
    path: () => ({ path: `${podPath}?watch=1&timeoutSeconds=1`, check: watchCheck(Infinity) }),
  },
  {
    // Closed by the client after two MODIFIED events.
    name: 'watch-close', weight: 8,
    path: () => ({ path: `${podPath}?watch=1`, check: watchCheck(2) }),
  },
];

/** A watch of the load namespace: all pods ADDED first, then consecutive ticks of the ticker. */
function watchCheck(closeAfterModified: number): Check {
  return async (status, body) => {
    expect(status === 200, `watch: ${status}`);
    const added = new Set<string>();
    let tick = -1;
    let modified = 0;
    const how = await eachLine(body, (line) => {
      const ev = JSON.parse(line) as { type: string; object: K8sObject };
      if (added.size < ALL_PODS.length) {
        expect(ev.type === 'ADDED' && !added.has(ev.object.metadata.name), `watch: ${ev.type} ${ev.object.metadata.name} among the first events`);
        added.add(ev.object.metadata.name);
        if (ev.object.metadata.name === TICKER) tick = Number(ev.object.metadata.labels?.['tick']);
        return false;
      }
      const t = Number(ev.object.metadata.labels?.['tick']);
      expect(ev.type === 'MODIFIED' && ev.object.metadata.name === TICKER && t === tick + 1, `watch: ${ev.type} ${ev.object.metadata.name} tick ${t} after ${tick}`);
      tick = t;
      return ++modified >= closeAfterModified;
    });
    expect(added.size === ALL_PODS.length, `watch: ${added.size} ADDED events`);
    expect(closeAfterModified === Infinity ? how === 'ended' && modified >= 1 : how === 'stopped', `watch: ${how} after ${modified} MODIFIED`);
  };
}

function pickKind(rng: () => number): Kind {
  const total = KINDS.reduce((n, k) => n + k.weight, 0);
  let r = rng() * total;
  for (const k of KINDS) {
    r -= k.weight;
    if (r < 0) return k;
  }
  return KINDS[0] as Kind;
}

/** No single answer may take this long; a hung request fails instead of hanging the test. */
const REQUEST_TIMEOUT_MS = 20_000;

function newClient(t: LoadTarget): Client {
  return new Client(t.origin, {
    ...(t.socketPath ? { socketPath: t.socketPath } : {}),
    ...(t.ca ? { connect: { ca: t.ca } } : {}),
    pipelining: 1,
  });
}

/** One request, issued, read and checked; a thrown error is the failure. */
async function oneRequest(client: Client, t: LoadTarget, kind: Kind, rng: () => number): Promise<void> {
  const { path, check } = kind.path(rng);
  const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  const res = await client.request({ method: 'GET', path, headers: t.headers ?? {}, signal });
  try {
    await check(res.statusCode, res.body);
  } finally {
    // A stream closed early: the connection goes with it, as when a user hits Ctrl-C.
    if (!res.body.readableEnded) res.body.destroy();
  }
}

/**
 * Runs `clients` clients for `durationMs`; each issues requests back to back,
 * and finishes the one in flight when the time is up. Closes every client.
 * `target` may differ per client (`serve`'s many sockets).
 */
export async function runLoad(target: LoadTarget | ((client: number) => LoadTarget), clients: number, durationMs: number, rng: () => number): Promise<Tally> {
  const tally: Tally = { issued: 0, completed: 0, failed: 0, failures: [], byKind: {} };
  const deadline = Date.now() + durationMs;
  const one = async (i: number): Promise<void> => {
    const t = typeof target === 'function' ? target(i) : target;
    const client = newClient(t);
    try {
      while (Date.now() < deadline) {
        const kind = pickKind(rng);
        tally.issued++;
        try {
          await oneRequest(client, t, kind, rng);
          tally.completed++;
          tally.byKind[kind.name] = (tally.byKind[kind.name] ?? 0) + 1;
        } catch (err) {
          tally.failed++;
          if (tally.failures.length < 5) tally.failures.push(`${kind.name}: ${(err as Error).message}`);
        }
      }
    } finally {
      await client.close();
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, i) => one(i)));
  return tally;
}
