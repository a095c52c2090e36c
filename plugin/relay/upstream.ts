import { setFlagsFromString } from 'node:v8';
import type { Ctx } from '../context.ts';
import type { Klog } from '../klog.ts';
import { Authenticator } from '../kube/clientcmd/auth.ts';
import type { RestConfig } from '../kube/clientcmd/client-config.ts';
import { checkedTlsOptions, openTransport, type Transport } from '../transport/dispatcher.ts';
import { proxyFor } from '../transport/proxy-env.ts';
import type { ReadyRequest } from './engine.ts';
import type { H1Engine } from './engine-h1.ts';

/**
 * A relay runs for hours and mostly waits, and V8 sizes itself for a
 * program in a hurry: its optimising compilers take on the request path
 * within the first few hundred requests, and its young generation doubles
 * whenever much survives a scavenge; the code, the compilers' memory and the
 * larger heap all stay. For a relay, V8's invocation counts are ten times
 * higher (hot code is still optimised, once traffic is sustained) and the
 * young generation keeps its size. A proxy held 71 MiB after 300 GETs with
 * V8's defaults, 62 MiB with these. Process-wide, for commands that relay.
 */
function tuneForLongRuns(): void {
  setFlagsFromString('--invocation-count-for-maglev=4000');
  setFlagsFromString('--invocation-count-for-maglev-osr=1000');
  setFlagsFromString('--invocation-count-for-turbofan=30000');
  setFlagsFromString('--invocation-count-for-osr=5000');
  setFlagsFromString('--semi-space-growth-factor=1');
}

/** Idle connections kept for reuse (client-go sets MaxIdleConnsPerHost to 25; the relay serves many clients). */
const MAX_IDLE = 64;

/** How often a 401 may make the exec credential plugin run again. */
export const REFRESH_MIN_MS = 10_000;

/**
 * The relay's side towards the API server: the same TLS options, client
 * certificates, proxies and socket addresses as every kubectl-sock command,
 * and the same credentials (Authenticator: token, basic, exec plugins,
 * impersonation).
 *
 * Requests go through the relay's own HTTP/1.1 client (engine-h1.ts) when nothing stands between
 * the relay and the server, else through undici's openTransport
 * (engine-undici.ts), as upgrades always do. openTransport gives one
 * connection per Transport (pipelining 1), so the relay keeps a pool of them:
 * one per request in flight, so that a watch or a followed log never holds up
 * the requests behind it.
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
  /** The HTTP/1.1 engine, when no proxy stands between (undefined: not yet built; null: not used). */
  #engine: Promise<H1Engine> | null | undefined;
  /** Engines given up after a credential refresh; their connections close with the relay. */
  readonly #retired: Promise<H1Engine>[] = [];
  /** When the exec plugin last ran again after a 401 (epoch ms). */
  #refreshedAt = -Infinity;

  constructor(ctx: Ctx, config: RestConfig, klog: Klog) {
    this.#ctx = ctx;
    this.#klog = klog;
    this.config = config;
    tuneForLongRuns();
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
    const engine = this.#h1Engine();
    if (engine) return void (await engine);
    // Idle, but not "reused": it has carried no request yet.
    this.#idle.push((await this.acquire()).transport);
  }

  /** The HTTP/1.1 engine, unless a proxy stands between (then undici's, which speaks to proxies). */
  #h1Engine(): Promise<H1Engine> | undefined {
    if (this.#engine === undefined) {
      let direct: boolean;
      try {
        direct = this.config.address.transport === 'unix' || !proxyFor(this.config.address, this.config.proxyUrl, this.#ctx.env);
      } catch {
        // A proxy setting that does not parse: openTransport reports it.
        direct = false;
      }
      this.#engine = direct ? this.#newEngine() : null;
    }
    return this.#engine ?? undefined;
  }

  /** Built before serving, so that unreadable certificate files stop the proxy before it starts. */
  async #newEngine(): Promise<H1Engine> {
    const { address, tls } = this.config;
    const [{ H1Engine }, connect] = await Promise.all([
      import('./engine-h1.ts'),
      address.tls ? this.auth.clientCertificate().then((clientCertificate) => checkedTlsOptions({ address, tls, clientCertificate })) : undefined,
    ]);
    return new H1Engine({ address, tls, connect, maxIdle: MAX_IDLE });
  }

  /** What forwarding one request needs: its credentials, then an engine to send it with. */
  async prepareForward(fresh: boolean): Promise<ReadyRequest> {
    const credentials = await this.credentials();
    const engine = this.#h1Engine();
    if (engine) {
      const e = await engine;
      if (this.#closed) throw new Error('the relay is shutting down');
      return { credentials, send: (req, sink) => e.send(req, sink, fresh), cancel: () => undefined };
    }
    const [{ sendOverUndici }, { transport, reused }] = await Promise.all([import('./engine-undici.ts'), this.acquire(fresh)]);
    return {
      credentials,
      send: (req, sink) => sendOverUndici(transport, reused, (t, healthy) => this.release(t, healthy), req, sink),
      cancel: () => this.release(transport, true, false),
    };
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

  /** Gives a transport back after its request ended (`carried`: it was sent); a broken one is closed instead. */
  release(t: Transport, healthy: boolean, carried = healthy): void {
    if (carried) this.#carried.add(t);
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

  /**
   * After a 401 with an exec plugin: client-go drops the cached credential and
   * runs the plugin again, on every 401. But a 401 may come from behind the API
   * server (a pod or service answering through its proxy subresource), so a
   * client of a relay, such as an owner of a `serve` socket, could make the
   * relay spawn its plugin (and drop its connections) once per request. The
   * plugin runs again at most once per REFRESH_MIN_MS; a 401 within that
   * passes to the client as it came.
   */
  refreshCredentials(): boolean {
    if (!this.auth.refreshable) return false;
    const now = this.#ctx.now().getTime();
    if (now - this.#refreshedAt < REFRESH_MIN_MS) return false;
    this.#refreshedAt = now;
    this.#klog.info(4, 'upstream.ts', 'the API server answered 401: running the exec credential plugin again');
    this.auth.invalidate();
    // The plugin may hand out a new client certificate: new connections take it.
    if (this.config.address.tls && this.#engine) {
      this.#retired.push(this.#engine);
      this.#engine = undefined;
    }
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
    const engines = [...this.#retired.splice(0), ...(this.#engine ? [this.#engine] : [])];
    await Promise.all([
      ...all.map((t) => t.close().catch(() => undefined)),
      ...engines.map((e) => e.then((x) => x.close(), () => undefined)),
    ]);
  }
}
