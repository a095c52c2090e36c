import type { Socket } from 'node:net';

/** How long a connection must have been idle before it is closed to admit a waiting one. */
const IDLE_GRACE_MS = 1000;

/**
 * --max-connections: at most `max` client connections are served at once.
 * Excess connections WAIT: they are accepted but not read (the request sits
 * in the kernel's buffer) until a served connection closes; then the oldest
 * waiter is admitted. While anyone waits, answers carry `Connection: close`
 * (see closeAfterAnswer) and connections idle for a second are closed, as any
 * HTTP server may close an idle connection. 0 admits everything at once.
 */
export class ConnectionGate {
  readonly #max: number;
  readonly #serve: (s: Socket) => void;
  readonly #active = new Map<Socket, { inFlight: number; since: number }>();
  #waiting: Socket[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(max: number, serve: (s: Socket) => void) {
    this.#max = max;
    this.#serve = serve;
  }

  /** A new connection: served now, or queued. */
  offer(s: Socket): void {
    if (this.#max === 0 || this.#active.size < this.#max) return this.#admit(s);
    this.#waiting.push(s);
    s.once('close', () => {
      this.#waiting = this.#waiting.filter((w) => w !== s);
    });
    this.#reclaimIdle();
    this.#timer ??= setInterval(() => this.#reclaimIdle(), IDLE_GRACE_MS / 2);
  }

  /** A request started on a connection (an upgraded connection stays busy until it closes). */
  busy(s: Socket): void {
    const a = this.#active.get(s);
    if (a) a.inFlight++;
  }

  /** A request on a connection ended. */
  idle(s: Socket): void {
    const a = this.#active.get(s);
    if (!a) return;
    a.inFlight = Math.max(0, a.inFlight - 1);
    a.since = performance.now();
  }

  /** Whether an answer should close its connection: someone is waiting for a slot. */
  closeAfterAnswer(): boolean {
    return this.#waiting.length > 0;
  }

  /** Stops the idle check (shutdown). */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #admit(s: Socket): void {
    this.#active.set(s, { inFlight: 0, since: performance.now() });
    s.once('close', () => {
      this.#active.delete(s);
      this.#next();
    });
    this.#serve(s);
  }

  #next(): void {
    while (this.#waiting.length > 0 && this.#active.size < this.#max) {
      const s = this.#waiting.shift() as Socket;
      if (!s.destroyed) this.#admit(s);
    }
    if (this.#waiting.length === 0) this.close();
  }

  #reclaimIdle(): void {
    const now = performance.now();
    for (const [s, a] of this.#active) {
      if (a.inFlight === 0 && now - a.since >= IDLE_GRACE_MS && !s.writableEnded) {
        s.end();
        s.once('finish', () => s.destroy());
      }
    }
  }
}
