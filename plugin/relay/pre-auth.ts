import type { Duplex } from 'node:stream';

/** How long a connection to a token-guarded relay may take to send a request with the token. */
export const PRE_AUTH_MS = 10_000;
/** How many connections may wait for their first request at once; the oldest is closed for a new one. kubectl's legacy discovery opens a connection per API group at once. */
export const MAX_PRE_AUTH = 512;

/**
 * The passthrough relay listens on 127.0.0.1, which every local user can
 * reach. Only a client with the relay's token is served, but each connection
 * costs the relay a file descriptor from the moment it is accepted, and one
 * that never finishes its TLS handshake or never sends a request would hold
 * it for good (Go's http.Server sets no deadline either). Another user could
 * so take every descriptor of someone else's relay (their kubectl then got
 * "Unable to connect to the server: EOF") and keep it from going idle.
 *
 * Until a connection has carried a request with the token, it is on
 * probation: closed after PRE_AUTH_MS, and at most MAX_PRE_AUTH are kept
 * (a new one closes the oldest). kubectl sends its request the moment its
 * connection is up, so only a stranger's connections ever reach either bound.
 */
export class PreAuth {
  readonly #max: number;
  readonly #ms: number;
  /** Connections on probation, oldest first (Map keeps insertion order), with their deadline timers. */
  readonly #waiting = new Map<Duplex, { timer: NodeJS.Timeout; also: Duplex }>();

  constructor(max = MAX_PRE_AUTH, ms = PRE_AUTH_MS) {
    this.#max = max;
    this.#ms = ms;
  }

  /** A new connection (`conn` as HTTP sees it, and the accepted socket under it when TLS wraps it). */
  add(conn: Duplex, accepted: Duplex = conn): void {
    if (this.#waiting.size >= this.#max) this.#drop(this.#waiting.keys().next().value as Duplex);
    const timer = setTimeout(() => this.#drop(conn), this.#ms);
    timer.unref();
    this.#waiting.set(conn, { timer, also: accepted });
    conn.once('close', () => this.passed(conn));
  }

  /** The connection carried the token (or closed): no longer on probation. */
  passed(conn: Duplex): void {
    const w = this.#waiting.get(conn);
    if (!w) return;
    clearTimeout(w.timer);
    this.#waiting.delete(conn);
  }

  /** Stops every timer (the relay stops; its connections are closed by it). */
  close(): void {
    for (const w of this.#waiting.values()) clearTimeout(w.timer);
    this.#waiting.clear();
  }

  #drop(conn: Duplex): void {
    const w = this.#waiting.get(conn);
    this.passed(conn);
    conn.destroy();
    w?.also.destroy();
  }
}
