/** Why a shared relay ends by itself. */
export type EndReason = 'idle' | 'orphaned';

export interface LifetimeOptions {
  /** Started by `env`: no idle exit. */
  persist: boolean;
  idleMs: number;
  now(): number;
  /** Whether a process lives (a lease holder). */
  alive(pid: number): boolean;
  /** Whether the control socket in the folder is still this relay's (not removed, not another relay's). */
  owned(): boolean;
  onEnd(why: EndReason): void;
}

/**
 * When a shared relay ends by itself, as ssh's ControlPersist: after idleMs
 * with no client connection and no lease, unless `env` pinned it. A kubectl
 * holds a lease for as long as its process lives, so an `edit` whose editor
 * stays open past the keep-alive timeout, with no connection open, still
 * finds its relay. A relay whose control socket was removed or taken over
 * (its state folder deleted, a second relay started in a race) can no
 * longer be found, so it ends as soon as no connection needs it.
 */
export class Lifetime {
  readonly #o: LifetimeOptions;
  #connections = 0;
  readonly #leases = new Set<number>();
  #persist: boolean;
  #lastBusy: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(o: LifetimeOptions) {
    this.#o = o;
    this.#persist = o.persist;
    this.#lastBusy = o.now();
  }

  get persist(): boolean {
    return this.#persist;
  }

  get connections(): number {
    return this.#connections;
  }

  /** The client connections open now. */
  setConnections(open: number): void {
    this.#connections = open;
    this.#lastBusy = this.#o.now();
  }

  /** Keeps the relay while `pid` lives. */
  lease(pid: number): void {
    this.#leases.add(pid);
    this.#lastBusy = this.#o.now();
  }

  /** `env` uses it: it lives until stopped. */
  pin(): void {
    this.#persist = true;
  }

  /** Checks now and then: often enough that a short idle period is kept to, rarely enough to cost nothing. */
  start(): void {
    const period = Math.min(1000, Math.max(100, this.#o.idleMs / 4));
    this.#timer = setInterval(() => this.check(), period);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One look: ends the relay (once) when it is orphaned and unused, or idle for long enough. */
  check(): void {
    if (this.#timer === undefined) return;
    if (!this.#o.owned()) {
      if (this.#connections === 0) this.#end('orphaned');
      return;
    }
    for (const pid of this.#leases) if (!this.#o.alive(pid)) this.#leases.delete(pid);
    if (this.#connections > 0 || this.#leases.size > 0) {
      this.#lastBusy = this.#o.now();
      return;
    }
    if (!this.#persist && this.#o.now() - this.#lastBusy >= this.#o.idleMs) this.#end('idle');
  }

  #end(why: EndReason): void {
    this.stop();
    this.#o.onEnd(why);
  }
}
