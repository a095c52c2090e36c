/**
 * The watch half of `get -w`: watch from a resourceVersion and hand each
 * event to a sink. Unlike kubectl (which exits when the stream ends), a
 * dropped or closed stream is resumed from the last resourceVersion seen, so
 * no event is lost or shown twice; when the server no longer has that
 * version (410 Gone), the collection is listed again and only what changed
 * in between is printed, as events. Re-requests wait as client-go's
 * reflector waits (watch-backoff.ts), so a broken server is never stormed.
 * Ends on Ctrl-C, and where kubectl's watch ends: after --request-timeout,
 * or after a body that is not a watch stream (printed as kubectl prints it).
 */
import { ApiError, SockError } from '../../errors.ts';
import type { Klog } from '../../klog.ts';
import type { KubeClient } from '../rest/client.ts';
import { getObject, listPages, watchRequest, type RequestShape } from './fetch.ts';
import type { Visit } from './options.ts';
import { isList, isTable, objectMeta, type KubeObject, type TableRow } from './table-types.ts';
import { ReflectorBackoff } from './watch-backoff.ts';
import { readWatchEvents, type WatchEvent } from './watch-stream.ts';

/** Where events go: the printer of the command. */
export interface WatchSink {
  event(type: string, object: KubeObject): Promise<void>;
}

/** What one watch needs: where to watch, from which resourceVersion, and where events go. */
export interface WatchLoop {
  client: KubeClient;
  visit: Visit;
  shape: RequestShape;
  klog: Klog;
  signal: AbortSignal;
  sink: WatchSink;
  /** The list's resourceVersion, or "0" for one named object. */
  resourceVersion: string;
  /** kubectl hides the first event of a named object's watch (the server's synthetic ADDED). */
  skipFirst: boolean;
  /** What the initial list showed, for telling what changed across a relist. */
  known: KnownObjects;
  /** --request-timeout in ms (0: none): the watch ends once it has run this long, as kubectl's does. */
  timeoutMs: number;
  /** Waits between attempts; a seam for tests. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The clock and the backoff's jitter; seams for tests. */
  now?: () => number;
  random?: () => number;
}

/** How a watch ended: Ctrl-C, or where kubectl's ends (exit 0). */
export type WatchEnd = 'interrupted' | 'ended';

/** The reflector's "very short watch": one that closed sooner than this is followed by a backoff. */
const SHORT_WATCH_MS = 1000;

/**
 * Consecutive failed watch requests before giving up with the last error (the reflector never
 * gives up; a command reports it). With the reflector's waits between them, 12 to 24 seconds.
 */
const MAX_FAILURES = 5;

interface Entry {
  rv: string;
  /** The Table row (with the Table's apiVersion) or the whole object last printed for it. */
  item: TableRow | KubeObject;
  tableVersion?: string;
}

/** The objects the user has seen, by namespace/name, with their resourceVersions. */
export class KnownObjects {
  readonly #byKey = new Map<string, Entry>();

  /** Records what an initial object, list or Table holds. */
  seed(obj: KubeObject): void {
    this.apply('ADDED', obj);
  }

  /** Applies an event's object (a Table of rows, a list, or one object). */
  apply(type: string, obj: KubeObject): void {
    for (const { key, entry } of entriesOf(obj)) {
      if (type === 'DELETED') this.#byKey.delete(key);
      else this.#byKey.set(key, entry);
    }
  }

  /** The events that take the seen state to `current`, as the sink should print them. */
  diff(current: KubeObject[]): Array<{ type: string; object: KubeObject }> {
    const out: Array<{ type: string; object: KubeObject }> = [];
    const now = new Map<string, Entry>();
    for (const obj of current) for (const { key, entry } of entriesOf(obj)) now.set(key, entry);
    for (const [key, entry] of now) {
      const before = this.#byKey.get(key);
      if (!before) out.push({ type: 'ADDED', object: asObject(entry) });
      else if (before.rv !== entry.rv) out.push({ type: 'MODIFIED', object: asObject(entry) });
    }
    for (const [key, entry] of this.#byKey) if (!now.has(key)) out.push({ type: 'DELETED', object: asObject(entry) });
    this.#byKey.clear();
    for (const [key, entry] of now) this.#byKey.set(key, entry);
    return out;
  }
}

function entriesOf(obj: KubeObject): Array<{ key: string; entry: Entry }> {
  if (isTable(obj)) {
    return (obj.rows ?? []).map((row) => {
      const m = objectMeta(row.object) ?? {};
      // Only what printing the row again needs is kept, not the whole metadata.
      const { name, namespace, resourceVersion, labels, creationTimestamp } = m;
      const item: TableRow = { cells: row.cells ?? [], object: { metadata: { name, namespace, resourceVersion, labels, creationTimestamp } } };
      return { key: `${namespace ?? ''}/${name ?? ''}`, entry: { rv: resourceVersion ?? '', item, tableVersion: obj.apiVersion } };
    });
  }
  if (isList(obj)) return obj.items.flatMap((item) => entriesOf(item));
  const m = objectMeta(obj) ?? {};
  return [{ key: `${m.namespace ?? ''}/${m.name ?? ''}`, entry: { rv: m.resourceVersion ?? '', item: obj } }];
}

function asObject(e: Entry): KubeObject {
  if (e.tableVersion) return { kind: 'Table', apiVersion: e.tableVersion, metadata: {}, rows: [e.item] };
  return e.item as KubeObject;
}

/** The resourceVersion an event moves the watch to. */
function eventResourceVersion(ev: WatchEvent): string | undefined {
  const obj = ev.object;
  if (isTable(obj)) {
    const row = obj.rows?.[0];
    return objectMeta(row?.object)?.resourceVersion || obj.metadata?.resourceVersion || undefined;
  }
  return objectMeta(obj)?.resourceVersion || undefined;
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Watches until the signal aborts or kubectl's watch would end; throws only for errors that resuming cannot fix. */
export async function runWatchLoop(w: WatchLoop): Promise<WatchEnd> {
  const sleep = w.sleep ?? defaultSleep;
  const now = w.now ?? Date.now;
  const backoff = new ReflectorBackoff(now, w.random);
  const state: WatchState = { rv: w.resourceVersion, skip: w.skipFirst, failures: 0, lastError: undefined, until: w.timeoutMs > 0 ? now() + w.timeoutMs : Infinity };
  while (!w.signal.aborted) {
    const started = now();
    const outcome = await watchOnce(w, state, now);
    if (w.signal.aborted) return 'interrupted';
    if (outcome === 'ended' || now() >= state.until) return 'ended';
    if (outcome === 'failed' && state.failures >= MAX_FAILURES) throw state.lastError;
    // The reflector backs off after a failed request, a 410, and a watch that closed within a second
    // with nothing in it; kubectl sock also after a short one that had events, so that a server
    // replaying them cannot make it storm either. A watch that lasted is resumed at once.
    if (outcome === 'failed' || outcome === 'gone' || now() - started < SHORT_WATCH_MS) {
      await sleep(Math.min(backoff.next(), state.until - now()), w.signal);
      if (w.signal.aborted) return 'interrupted';
      if (now() >= state.until) return 'ended';
    }
    if (outcome === 'gone') {
      state.rv = await relist(w);
      state.skip = false;
      continue;
    }
    w.klog.info(2, 'watch.ts', `watch of ${w.visit.resource.resource} ended; resuming from resourceVersion ${state.rv}`);
  }
  return 'interrupted';
}

interface WatchState {
  rv: string;
  skip: boolean;
  failures: number;
  lastError: unknown;
  /** When --request-timeout ends the watch (Date.now() ms), or Infinity. */
  until: number;
}

type Outcome = 'events' | 'empty' | 'failed' | 'gone' | 'ended';

/** One watch request: prints its events, returns how it ended. */
async function watchOnce(w: WatchLoop, state: WatchState, now: () => number): Promise<Outcome> {
  const req = watchRequest(w.visit, w.shape, state.rv);
  let res;
  try {
    res = await w.client.send(req);
  } catch (err) {
    if (w.signal.aborted) return 'empty';
    state.lastError = err;
    state.failures++;
    return 'failed';
  }
  if (res.status === 410) {
    res.body.resume();
    return 'gone';
  }
  if (res.status >= 500 || res.status === 429) {
    // A server restarting or overloaded: worth another try, as client-go's reflector would.
    state.lastError = await w.client.ensureOk(res, req).catch((err: unknown) => err);
    state.failures++;
    return 'failed';
  }
  await w.client.ensureOk(res, req);
  // client-go's watch decoder is chosen by Content-Type; a proxy's HTML page would otherwise
  // read as an empty watch, resumed forever.
  const contentType = String(res.headers['content-type'] ?? '');
  if (contentType !== '' && !/^\s*application\/([\w.-]+\+)?json\b/i.test(contentType)) {
    res.body.resume();
    throw new SockError('E_DECODE', `no stream serializers registered for ${contentType}`);
  }
  let delivered = false;
  const events = readWatchEvents(res.body);
  // --request-timeout: the stream is cut when the watch's time is up, as Go's client deadline cuts kubectl's.
  let cut = false;
  const deadline = Number.isFinite(state.until) ? setTimeout(() => ((cut = true), res.body.destroy()), Math.max(0, state.until - now())) : undefined;
  try {
    for await (const ev of events) {
      if (ev.undecodable) {
        // client-go reports the body as an ERROR event; kubectl prints it (unless it is the hidden first event) and stops.
        if (state.skip) state.skip = false;
        else await w.sink.event(ev.type, ev.object);
        return 'ended';
      }
      if (ev.type === 'ERROR') return handleErrorEvent(ev);
      state.rv = eventResourceVersion(ev) ?? state.rv;
      if (ev.type === 'BOOKMARK') continue;
      w.known.apply(ev.type, ev.object);
      delivered = true;
      state.failures = 0;
      if (state.skip) {
        state.skip = false;
        continue;
      }
      await w.sink.event(ev.type, ev.object);
    }
  } catch (err) {
    // The request's own deadline (client.ts: --request-timeout bounds every request) may cut the body a
    // moment before this watch's timer does: the same cut, as one Go client timeout makes both.
    if (w.signal.aborted || now() < state.until) throw err;
    cut = true;
  } finally {
    clearTimeout(deadline);
    res.body.destroy();
  }
  // apimachinery's StreamWatcher, when the client's timeout cut the body it was decoding.
  if (cut || now() >= state.until) w.klog.info(5, 'watch.ts', `"Unable to decode an event from the watch stream" err="net/http: request canceled (Client.Timeout or context cancellation while reading body)"`);
  return delivered ? 'events' : 'empty';
}

/** An ERROR event: 410 Expired means list again; anything else is the server's error for the user. */
function handleErrorEvent(ev: WatchEvent): Outcome {
  const status = ev.object as { code?: number; reason?: string; message?: string };
  if (status.code === 410) return 'gone';
  throw new ApiError(status.code ?? 500, status.reason ?? '', status.message ?? '', status);
}

/** Lists again after 410 Gone, prints what changed since, and returns the new list's resourceVersion. */
async function relist(w: WatchLoop): Promise<string> {
  const current: KubeObject[] = [];
  let rv = '';
  if (w.visit.name !== undefined) {
    try {
      const obj = await getObject(w.client, w.visit, w.shape);
      current.push(obj);
      rv = eventResourceVersion({ type: 'ADDED', object: obj }) ?? '';
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === 'NotFound')) throw err;
    }
  } else {
    for await (const page of listPages(w.client, w.visit, w.shape)) {
      current.push(page);
      rv = ((page['metadata'] ?? {}) as { resourceVersion?: string }).resourceVersion ?? rv;
    }
  }
  w.klog.info(2, 'watch.ts', `resourceVersion expired; listed ${w.visit.resource.resource} again at ${rv}`);
  for (const ev of w.known.diff(current)) await w.sink.event(ev.type, ev.object);
  // A named object that is gone: watch from "now" for its return.
  return rv || '0';
}
