import { Readable } from 'node:stream';
import type { Ctx } from '../../context.ts';
import { ConnectError, SockError } from '../../errors.ts';
import type { Klog } from '../../klog.ts';
import { formatGoDuration } from '../../cli/duration.ts';
import { toConnectError } from '../../transport/connect-error.ts';
import { openTransport, type Transport } from '../../transport/dispatcher.ts';
import { Authenticator } from '../clientcmd/auth.ts';
import type { RestConfig } from '../clientcmd/client-config.ts';
import { jsonDepthError } from '../json-depth.ts';
import { apiErrorFrom, type ErrorContext } from './status-error.ts';
import { logBody, logDialTrace, logRequest, logResponse, type RoundTripTiming } from './request-log.ts';
import type { DialTrace } from '../../transport/dial-trace.ts';
import { userAgent } from '../../version-info.ts';
import { encodeQuery } from './request-url.ts';
import { statusText } from './status-text.ts';
import { warningWriterOf } from './warnings.ts';
import { directGet, directTarget, type DirectResponse, type DirectTarget } from '../logs/direct-reader.ts';
import { isReplayable, KeptAlive } from '../../transport/kept-alive.ts';
import { retrying, type RetryKind, type RetryLoop } from './with-retry.ts';

export interface KubeRequest {
  method?: string;
  /** The API path, /api/v1/…; the server URL's own path prefix is added. */
  path: string;
  query?: Record<string, string | undefined>;
  accept?: string;
  headers?: Record<string, string>;
  body?: string | Buffer | Readable;
  /** Add --request-timeout as ?timeout= (kubectl does, except for discovery, which uses 32s). */
  timeoutParam?: boolean;
  /** What the request is about, for client-go's wording of non-Status errors. */
  about?: ErrorContext;
  /** client-go's request loop for it: Do (the default), Watch (the default for watch=true) or Stream. */
  retry?: RetryKind;
  /** Errors as client-go's Result.Raw() gives them (discovery, /version): a Status body is not decoded. */
  rawErrors?: boolean;
}

export interface KubeResponse {
  status: number;
  statusText: string;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

/** The client of one API server: transport, credentials, timeouts, -v logging, errors. */
export class KubeClient {
  readonly config: RestConfig;
  readonly #ctx: Ctx;
  readonly #klog: Klog;
  readonly #auth: Authenticator;
  #transport: Transport | undefined;
  /** Go's idle keep-alive connection, for its transport's silent retry. */
  readonly #conn = new KeptAlive();
  /** Where plain GETs go without undici; null when the direct reader does not apply. */
  #direct: DirectTarget | null | undefined;
  /** -v=9: the last connection made, and when it was done (for the Response line's timings). */
  #dial: { trace: DialTrace; at: number } | undefined;

  /** Waits between retries; a seam for tests. */
  readonly #sleep: RetryLoop['sleep'];

  constructor(ctx: Ctx, config: RestConfig, klog: Klog, sleep?: RetryLoop['sleep']) {
    this.#ctx = ctx;
    this.#sleep = sleep;
    this.config = config;
    this.#klog = klog;
    this.#auth = new Authenticator(ctx, config.credentials, config.impersonate);
    if (config.credentialsDropped) {
      klog.info(4, 'client.ts', `not sending credentials to ${config.address.display}: the transport is not TLS (client-go sends auth only over https)`);
    }
  }

  /** The -v logger requests are logged to. */
  get klog(): Klog {
    return this.#klog;
  }

  /**
   * Sends a request; a transport failure becomes a ConnectError. Non-2xx
   * answers are returned, not thrown. client-go's retries apply (with-retry.ts):
   * `req.retry` names its request loop, a watch's by default when it is one.
   */
  async send(req: KubeRequest): Promise<KubeResponse> {
    const method = req.method ?? 'GET';
    const pathAndQuery = req.path + queryString(req, this.config.timeoutMs);
    const url = `${this.config.address.display}${basePathOf(this.config)}${pathAndQuery}`;
    // rest.Request's timeout: one deadline for every attempt and every wait between them.
    const deadline = this.config.timeoutMs > 0 ? AbortSignal.timeout(this.config.timeoutMs) : undefined;
    const signal = deadline ? AbortSignal.any([this.#ctx.signal, deadline]) : this.#ctx.signal;
    const loop = {
      kind: req.retry ?? (req.query?.['watch'] === 'true' ? 'watch' : 'request'),
      method, url, replayable: !isStream(req.body), klog: this.#klog, signal: this.#ctx.signal, deadline, sleep: this.#sleep,
    } satisfies RetryLoop;
    try {
      return await retrying(loop, async () => {
        const res = await this.#authenticated(req, method, pathAndQuery, signal);
        return Object.assign(res, { discard: () => void res.body.resume() });
      });
    } catch (err) {
      // kubectl's CheckErr logs the *url.Error it prints.
      if (err instanceof ConnectError) this.#logConnectionError(method, url, err.detail);
      throw err;
    }
  }

  /** One attempt; client-go's exec authenticator: a 401 drops the cached credential and runs the plugin again. */
  async #authenticated(req: KubeRequest, method: string, pathAndQuery: string, signal: AbortSignal): Promise<KubeResponse> {
    const first = await this.#sendOnce(req, method, pathAndQuery, signal);
    warningWriterOf(this.#ctx).handle(first.headers['warning']);
    if (first.status !== 401 || !this.#auth.refreshable || isStream(req.body)) return first;
    first.body.resume();
    this.#auth.invalidate();
    await this.close();
    const second = await this.#sendOnce(req, method, pathAndQuery, signal);
    warningWriterOf(this.#ctx).handle(second.headers['warning']);
    return second;
  }

  /** GETs (or sends) and decodes JSON; a non-2xx answer throws kubectl's error for it. */
  async json<T>(req: KubeRequest): Promise<T> {
    const res = await this.send(req);
    const text = await this.#readBody(res.body);
    logBody(this.#klog, 'Response Body', text);
    const contentType = String(res.headers['content-type'] ?? '');
    if (res.status < 200 || res.status > 299) {
      throw apiErrorFrom(res.status, text, contentType, { method: req.method ?? 'GET', ...req.about, raw: req.rawErrors });
    }
    // client-go picks the decoder by Content-Type; a proxy's HTML page has none (rest.Result.Into).
    if (contentType !== '' && !/^\s*application\/([\w.-]+\+)?json\b/i.test(contentType)) {
      throw new SockError('E_DECODE', `serializer for ${contentType} doesn't exist`);
    }
    // Go's decoder stops at 10,000 levels; JSON.parse would read on.
    const tooDeep = jsonDepthError(text);
    if (tooDeep) throw new SockError('E_DECODE', tooDeep);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw (await import('../go-json-syntax.ts')).jsonSyntaxError(text);
    }
  }

  /**
   * Reads a whole answer; a connection that breaks or times out meanwhile is
   * client-go's "unexpected error when reading response body" (request.go
   * transformResponse), logged as an E line first as client-go does.
   */
  async #readBody(body: Readable): Promise<string> {
    try {
      return await readText(body);
    } catch (err) {
      if (this.#ctx.signal.aborted) throw err;
      const e = err as Error & { code?: string };
      const cause = e.name === 'TimeoutError' || e.name === 'AbortError'
        ? 'net/http: request canceled (Client.Timeout or context cancellation while reading body)'
        : e.code === 'ECONNRESET' ? 'read: connection reset by peer' : 'unexpected EOF';
      this.#klog.error('request.go:1360', `"Unexpected error when reading response body" err=${JSON.stringify(cause)}`);
      return Promise.reject(new SockError('E_BODY', `unexpected error when reading response body. Please retry. Original error: ${cause}`));
    }
  }

  /** Throws kubectl's error for a non-2xx streaming response, after reading its body. */
  async ensureOk(res: KubeResponse, req: KubeRequest): Promise<void> {
    if (res.status >= 200 && res.status <= 299) return;
    const text = await readText(res.body);
    logBody(this.#klog, 'Response Body', text);
    throw apiErrorFrom(res.status, text, String(res.headers['content-type'] ?? ''), { method: req.method ?? 'GET', ...req.about });
  }

  async close(): Promise<void> {
    this.#conn.forget();
    const t = this.#transport;
    this.#transport = undefined;
    if (t) await t.close().catch(() => undefined);
  }

  async #sendOnce(req: KubeRequest, method: string, pathAndQuery: string, signal: AbortSignal): Promise<KubeResponse> {
    const replayable = isReplayable(method, req.headers, isStream(req.body));
    if (method === 'GET' && req.body === undefined && req.headers === undefined) {
      const direct = this.#directTarget();
      if (direct) {
        const res = await this.#conn.roundTrip(replayable, () => this.#sendDirect(direct, pathAndQuery, req.accept ?? 'application/json, */*'));
        this.#conn.watch(res.body);
        return res;
      }
    }
    const transport = await this.#getTransport();
    const path = transport.basePath + pathAndQuery;
    const headers: Record<string, string | string[]> = {
      accept: req.accept ?? 'application/json, */*',
      'user-agent': userAgent(),
      ...req.headers,
      ...(await this.#auth.headers()),
    };
    const url = `${this.config.address.display}${path}`;
    if (!isStream(req.body)) logBody(this.#klog, 'Request Body', (req.body as string | Buffer | undefined) ?? '');
    logRequest(this.#klog, method, url, headers);
    // Date.now(), not performance.now(): the global `performance` costs ~3 ms to set up.
    const started = Date.now();
    try {
      const { default: request } = await import('undici/lib/api/api-request.js');
      const res = await this.#conn.roundTrip(replayable, () =>
        request.call(transport.dispatcher, { method: method as 'GET', path, headers, body: req.body, signal, headersTimeout: 0, bodyTimeout: 0 })
          .catch((err: unknown) => Promise.reject(this.#transportError(err))));
      const out: KubeResponse = { status: res.statusCode, statusText: statusText(res.statusCode), headers: res.headers, body: res.body };
      const ms = Date.now() - started;
      logResponse(this.#klog, method, url, `${out.status} ${out.statusText}`, res.headers, ms, this.#timing(started, ms, true));
      this.#conn.watch(out.body);
      return out;
    } catch (err) {
      // One Response line for the round trip, as client-go's debugging round tripper wraps Go's transport and its silent resend.
      const ms = Date.now() - started;
      logResponse(this.#klog, method, url, '', undefined, ms, this.#timing(started, ms, false));
      throw err;
    }
  }

  /**
   * A plain GET with nothing to authenticate, log or time out (the direct
   * reader's conditions) skips undici: on a socket to a proxy, loading and
   * compiling undici (its HTTP parser is WebAssembly) is most of a short
   * command's start-up. Requests, answers and errors are the same.
   */
  async #sendDirect(target: DirectTarget, path: string, accept: string): Promise<KubeResponse> {
    const res = await directGet(target, path, this.#ctx.signal, accept);
    return { status: res.status, statusText: statusText(res.status), headers: res.headers, body: readableOf(res) };
  }

  /** client-go's -v=4 line for a request that never got an answer. */
  #logConnectionError(method: string, url: string, detail: string): void {
    this.#klog.info(4, 'client.ts', `Connection error: ${method} ${url}: ${detail}`);
  }

  #directTarget(): DirectTarget | undefined {
    if (this.#direct === undefined) this.#direct = directTarget(this.config, this.#ctx.env, this.#klog.level) ?? null;
    return this.#direct ?? undefined;
  }

  /** -v=9: the connection's part in a round trip that began at `started` (a dial since then, or a reused connection). */
  #timing(started: number, ms: number, answered: boolean): RoundTripTiming | undefined {
    if (this.#klog.level < 9) return undefined;
    const d = this.#dial && this.#dial.at >= started ? this.#dial.trace : undefined;
    const connecting = d ? d.dnsMs + d.dialMs + d.tlsMs : 0;
    return {
      dialed: d ? { dnsMs: d.dnsMs, dialMs: d.dialMs, tlsMs: d.tlsMs } : undefined,
      serverMs: answered ? Math.max(0, ms - connecting) : undefined,
    };
  }

  #transportError(err: unknown): Error {
    const e = err as Error & { code?: string; name?: string };
    if (e.name === 'TimeoutError' || (e.name === 'AbortError' && !this.#ctx.signal.aborted)) {
      return new ConnectError('timeout', this.config.address.display,
        `net/http: request canceled (Client.Timeout exceeded while awaiting headers)`);
    }
    const mapped = toConnectError(e.cause ?? e, this.config.address) ?? toConnectError(e, this.config.address);
    if (mapped) return mapped;
    if (e instanceof SockError || e.name === 'AbortError') return e;
    return new ConnectError('other', this.config.address.display, e.message || String(e));
  }

  #onDial(trace: DialTrace): void {
    this.#dial = { trace, at: Date.now() };
    logDialTrace(this.#klog, trace);
  }

  async #getTransport(): Promise<Transport> {
    if (!this.#transport) {
      const clientCertificate = this.config.address.tls ? await this.#auth.clientCertificate() : undefined;
      this.#transport = await openTransport({
        address: this.config.address,
        tls: this.config.tls,
        proxyUrl: this.config.proxyUrl,
        env: this.#ctx.env,
        clientCertificate,
        onDial: this.#klog.level >= 9 ? (trace) => this.#onDial(trace) : undefined,
      });
    }
    return this.#transport;
  }
}

/** The server URL's path prefix requests go under (openTransport's basePath). */
function basePathOf(config: RestConfig): string {
  return config.address.transport === 'tcp' ? config.address.basePath : '';
}

function queryString(req: KubeRequest, timeoutMs: number): string {
  const query = { ...req.query };
  if (req.timeoutParam && timeoutMs > 0) query['timeout'] = formatGoDuration(timeoutMs);
  const s = encodeQuery(query);
  return s ? `?${s}` : '';
}

function isStream(body: unknown): boolean {
  return body !== undefined && typeof body === 'object' && body !== null && typeof (body as Readable).pipe === 'function';
}

/**
 * The direct reader's body as a Readable of copies (the reader reuses one
 * buffer, a Readable's consumers may keep pieces). Destroying it closes the
 * connection at once, even while a read waits on an endless stream (a
 * generator's return() would wait for that read first).
 */
function readableOf(res: DirectResponse): Readable {
  const pieces = res.body;
  let reading = false;
  return new Readable({
    read() {
      if (reading) return;
      reading = true;
      const pump = async (): Promise<void> => {
        for (;;) {
          const { value, done } = await pieces.next();
          if (done) return void this.push(null);
          if (!this.push(Buffer.from(value))) return;
        }
      };
      pump().then(
        () => (reading = false),
        (err: Error) => this.destroy(err),
      );
    },
    destroy(err, callback) {
      res.close();
      callback(err);
    },
  });
}

/** Reads a whole (small) response body as text. */
export async function readText(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
