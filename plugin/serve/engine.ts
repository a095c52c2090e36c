import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { Ctx } from '../context.ts';
import type { Klog } from '../klog.ts';
import type { ForwardContext } from '../relay/forward.ts';
import { createRelayHttp, type RelayRoute } from '../relay/server.ts';
import type { Upstream } from '../relay/upstream.ts';
import type { AuditLog } from './audit.ts';
import { ServedSocket, type DesiredSocket, type SocketHost } from './served-socket.ts';
import { sameSpec } from './spec.ts';

/** Why a socket stopped being served. */
export type StopCause = 'removed' | 'changed' | 'revoked' | 'expired' | 'shutdown';

/** What apply() did. */
export interface ApplyResult {
  added: string[];
  removed: string[];
  changed: string[];
  unchanged: number;
  /** Sockets that could not be created, each with its error (the others are served). */
  failed: Array<{ want: DesiredSocket; error: Error }>;
}

/** Hooks the engine calls as sockets come and go. */
export interface EngineEvents {
  started(s: ServedSocket): void;
  stopped(s: ServedSocket, cause: StopCause, cut: number): void;
  /** A socket's time ran out (it has already been closed). */
  expired(s: ServedSocket): void;
}

/** setTimeout's longest delay; a later deadline is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How many socket files are created at once. */
const CREATE_CONCURRENCY = 32;

/**
 * The sockets of `kubectl sock serve`: one HTTP server and one upstream for
 * all of them, one listener per socket. apply() moves from what is served to
 * what is wanted, keeping every socket (and its connections) whose spec did
 * not change.
 */
export class ServeEngine {
  readonly #ctx: Ctx;
  readonly #host: SocketHost;
  readonly #events: EngineEvents;
  readonly #served = new Map<string, ServedSocket>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #routes = new WeakMap<Duplex, RelayRoute>();

  constructor(ctx: Ctx, upstream: Upstream, klog: Klog, audit: AuditLog, events: EngineEvents) {
    this.#ctx = ctx;
    this.#events = events;
    const fc: ForwardContext = { upstream, klog, errOut: ctx.streams.errOut, pid: ctx.pid, now: () => ctx.now() };
    const routes = this.#routes;
    this.#host = {
      http: createRelayHttp((s) => routes.get(s) as RelayRoute),
      uid: ctx.uid,
      fc,
      serverPath: upstream.config.address.transport === 'tcp' ? upstream.config.address.basePath : '',
      audit,
      attach: (s: Socket, route: RelayRoute) => routes.set(s, route),
    };
  }

  /** The sockets served now, by path. */
  get served(): ReadonlyMap<string, ServedSocket> {
    return this.#served;
  }

  /** Serves exactly `wanted`: removed and changed sockets are closed first, then new ones created. */
  async apply(wanted: readonly DesiredSocket[]): Promise<ApplyResult> {
    const byPath = new Map(wanted.map((w) => [w.spec.path, w]));
    const result: ApplyResult = { added: [], removed: [], changed: [], unchanged: 0, failed: [] };
    const stopping: Promise<void>[] = [];
    for (const [path, s] of this.#served) {
      const w = byPath.get(path);
      if (w && sameSpec(w.spec, s.want.spec) && w.uid === s.want.uid && w.gid === s.want.gid) {
        result.unchanged++;
        byPath.delete(path);
        continue;
      }
      (w ? result.changed : result.removed).push(path);
      stopping.push(this.stop(path, w ? 'changed' : 'removed').then(() => undefined));
    }
    await Promise.all(stopping);
    const queue = [...byPath.values()];
    const worker = async () => {
      for (let w = queue.shift(); w; w = queue.shift()) {
        try {
          await this.add(w);
          if (!result.changed.includes(w.spec.path)) result.added.push(w.spec.path);
        } catch (error) {
          result.failed.push({ want: w, error: error as Error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CREATE_CONCURRENCY, queue.length) }, worker));
    // Sockets are made several at a time; what is reported (and logged) follows the file's order.
    const order = new Map(wanted.map((w, i) => [w.spec.path, i]));
    const byOrder = (a: string, b: string) => (order.get(a) ?? 0) - (order.get(b) ?? 0);
    result.added.sort(byOrder);
    result.failed.sort((a, b) => byOrder(a.want.spec.path, b.want.spec.path));
    return result;
  }

  /** Starts serving one socket; throws when its file cannot be made. */
  async add(want: DesiredSocket): Promise<ServedSocket> {
    if (this.#served.has(want.spec.path)) throw new Error(`${want.spec.path} is already served`);
    const s = await ServedSocket.open(this.#host, want, this.#ctx.now().getTime());
    this.#served.set(s.path, s);
    this.#arm(s);
    this.#events.started(s);
    return s;
  }

  /** Stops serving a socket: its file is removed and its connections cut. Returns how many were cut, or undefined if it was not served. */
  async stop(path: string, cause: StopCause): Promise<number | undefined> {
    const s = this.#served.get(path);
    if (!s) return undefined;
    this.#served.delete(path);
    clearTimeout(this.#timers.get(path));
    this.#timers.delete(path);
    const cut = await s.close();
    this.#events.stopped(s, cause, cut);
    return cut;
  }

  /** Stops everything (shutdown); the HTTP server's idle state goes with its connections. */
  async close(): Promise<void> {
    await Promise.all([...this.#served.keys()].map((p) => this.stop(p, 'shutdown')));
    this.#host.http.close();
  }

  /** Schedules the socket's expiry, in steps when it is further away than setTimeout reaches. */
  #arm(s: ServedSocket): void {
    const deadline = s.deadline;
    if (deadline === undefined) return;
    const wait = deadline - this.#ctx.now().getTime();
    if (wait > MAX_TIMER_MS) {
      this.#timers.set(s.path, setTimeout(() => this.#served.get(s.path) === s && this.#arm(s), MAX_TIMER_MS));
      return;
    }
    const timer = setTimeout(() => {
      if (this.#served.get(s.path) !== s) return;
      void this.stop(s.path, 'expired').then(() => this.#events.expired(s));
    }, Math.max(0, wait));
    this.#timers.set(s.path, timer);
  }
}
