import type { Ctx } from '../context.ts';
import type { Klog } from '../klog.ts';
import { Authenticator } from '../kube/auth.ts';
import type { RestConfig } from '../kube/client-config.ts';
import { openTransport, type Transport } from '../transport/dispatcher.ts';

/** Idle connections kept for reuse (client-go sets MaxIdleConnsPerHost to 25; the relay serves many clients). */
const MAX_IDLE = 64;

/**
 * The relay's side towards the API server: the same transport as every
 * kubectl-sock command (openTransport: TLS, client certificates, proxies,
 * socket addresses) and the same credentials (Authenticator: token, basic,
 * exec plugins, impersonation).
 *
 * openTransport gives one connection per Transport (pipelining 1), so a
 * relay keeps a pool of them: one per request in flight, so that a watch or a
 * followed log never holds up the requests behind it.
 */
export class Upstream {
  readonly config: RestConfig;
  readonly auth: Authenticator;
  readonly #ctx: Ctx;
  readonly #klog: Klog;
  #idle: Transport[] = [];
  /** Transports that have carried a request to its end. */
  readonly #carried = new WeakSet<Transport>();
  readonly #all = new Set<Transport>();
  #closed = false;
  #pending: Promise<Record<string, string | string[]>> | undefined;

  constructor(ctx: Ctx, config: RestConfig, klog: Klog) {
    this.#ctx = ctx;
    this.#klog = klog;
    this.config = config;
    this.auth = new Authenticator(ctx, config.credentials, config.impersonate);
    if (config.credentialsDropped) {
      klog.info(4, 'upstream.ts', `not sending credentials to ${config.address.display}: the transport is not TLS (client-go sends auth only over https)`);
    }
  }

  /** Whether close() was called: the relay is stopping, and what fails now fails because of it. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Host-facing name of the server, for -v lines and errors. */
  get display(): string {
    return this.config.address.display;
  }

  /**
   * Opens one connection's worth of transport now, so that unreadable TLS
   * files or a failing exec plugin stop the proxy before it serves (kubectl
   * proxy builds its transport before listening, too).
   */
  async warmUp(): Promise<void> {
    // Idle, but not "reused": it has carried no request yet.
    this.#idle.push((await this.acquire()).transport);
  }

  /**
   * A transport no other request is using; `fresh`: a new one, not an idle one.
   * `reused`: it carried a request before (an idle one), which is when Go's
   * transport resends a request its server closed before answering.
   */
  async acquire(fresh = false): Promise<{ transport: Transport; reused: boolean }> {
    const idle = fresh ? undefined : this.#idle.pop();
    if (idle) return { transport: idle, reused: this.#carried.has(idle) };
    const clientCertificate = this.config.address.tls ? await this.auth.clientCertificate() : undefined;
    const t = await openTransport({
      address: this.config.address,
      tls: this.config.tls,
      proxyUrl: this.config.proxyUrl,
      env: this.#ctx.env,
      clientCertificate,
    });
    if (this.#closed) {
      await t.close();
      throw new Error('the relay is shutting down');
    }
    this.#all.add(t);
    return { transport: t, reused: false };
  }

  /** Gives a transport back after its request ended; a broken one is closed instead. */
  release(t: Transport, healthy: boolean): void {
    if (healthy) this.#carried.add(t);
    if (healthy && !this.#closed && this.#idle.length < MAX_IDLE) {
      this.#idle.push(t);
      return;
    }
    this.#all.delete(t);
    void t.close();
  }

  /**
   * The credential headers of one request (Authorization, Impersonate-*).
   * Concurrent requests share one lookup, so an expired exec credential runs
   * the plugin once, not once per request waiting for it.
   */
  credentials(): Promise<Record<string, string | string[]>> {
    this.#pending ??= this.auth.headers().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** After a 401 with an exec plugin: client-go drops the cached credential and runs the plugin again. */
  refreshCredentials(): boolean {
    if (!this.auth.refreshable) return false;
    this.#klog.info(4, 'upstream.ts', 'the API server answered 401: running the exec credential plugin again');
    this.auth.invalidate();
    return true;
  }

  /**
   * What one request needs: its credential headers, then a free connection.
   * In that order: a new connection may need the exec plugin's client
   * certificate, which the credential lookup has just cached.
   */
  async prepare(fresh = false): Promise<{ transport: Transport; reused: boolean; credentials: Record<string, string | string[]> }> {
    const credentials = await this.credentials();
    return { ...(await this.acquire(fresh)), credentials };
  }

  /** Tears every connection down, streams included. */
  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#all];
    this.#all.clear();
    this.#idle = [];
    await Promise.all(all.map((t) => t.close().catch(() => undefined)));
  }
}
