import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import type { Klog } from '../klog.ts';
import { logRequest, logResponse } from '../kube/rest/request-log.ts';
import { toConnectError } from '../transport/connect-error.ts';
import { isReplayable } from '../transport/kept-alive.ts';
import type { Exchange } from './access-log.ts';
import type { DistinctHeaders, Flow, ResponseSink } from './engine.ts';
import { downstreamHeaders, upstreamHeaders } from './headers.ts';
import { goConnectionHeader, goError, klogLine, sendReply } from './responses.ts';
import type { Upstream } from './upstream.ts';

/** What forwarding needs from the relay around it. */
export interface ForwardContext {
  upstream: Upstream;
  klog: Klog;
  errOut: Writable;
  pid: number;
  now(): Date;
  /** `serve`: the socket's Impersonate-* headers, sent instead of the relay's own impersonation. */
  identity?: Record<string, string | string[]>;
}

/** Whether a request carries a body (its stream cannot be sent twice, so it is never resent). */
export function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (len !== undefined && len !== '0');
}

/**
 * The message kubectl proxy's responder answers a failed round trip with
 * (http.Error(w, err.Error(), 500)): Go's wording of the transport error.
 */
export function proxyErrorText(err: unknown, up: Upstream): string {
  const e = err as Error & { cause?: unknown };
  const mapped = toConnectError(e.cause ?? e, up.config.address) ?? toConnectError(e, up.config.address);
  return mapped?.detail ?? e.message ?? String(err);
}

/** Answers 500 with the error, and logs it as kubectl proxy does ("E… Error while proxying request: …"). */
export function failRequest(fc: ForwardContext, res: ServerResponse, x: Exchange, err: unknown): void {
  // The relay is stopping (a signal, --expire-after) and cut the request itself: nothing went wrong
  // to report (kubectl proxy dies of the signal silently), and the client's connection goes anyway.
  if (fc.upstream.closed) {
    res.destroy();
    return;
  }
  const text = proxyErrorText(err, fc.upstream);
  fc.errOut.write(klogLine('E', fc.pid, fc.now(), 'proxy_server.ts', `Error while proxying request: ${text}`));
  if (res.headersSent) {
    res.destroy();
    return;
  }
  x.status = 500;
  x.bytes = sendReply(res, goError(500, text), x.method);
}

/**
 * Sends one request upstream and streams the answer back as it arrives:
 * each chunk is written as soon as the engine hands it over (a watch event
 * or a followed log line is never held back), with backpressure both ways.
 * Nothing is retried on the client's behalf, except where kubectl proxy's Go
 * transport resends: once, on a fresh connection, a replayable request whose
 * kept-alive connection the server closed before answering; and once after a
 * 401 when an exec plugin can supply a new credential.
 */
export function forward(fc: ForwardContext, req: IncomingMessage, res: ServerResponse, path: string, x: Exchange): void {
  let gone = false;
  let current: Flow | undefined;
  res.once('close', () => {
    gone = !res.writableFinished;
    if (gone) current?.abort(new Error('the client went away'));
  });
  const body = hasBody(req);
  const replayable = isReplayable(x.method, req.headers, body);
  const attempt = async (retry: boolean): Promise<void> => {
    let ready;
    let headers: string[];
    try {
      // A retry takes a new connection: the idle ones may all have been closed together.
      ready = await fc.upstream.prepareForward(retry);
      headers = upstreamHeaders(req, ready.credentials, fc.identity);
    } catch (err) {
      return failRequest(fc, res, x, err);
    }
    if (gone) return ready.cancel();
    const url = `${fc.upstream.display}${path}`;
    if (fc.klog.level >= 7) logRequest(fc.klog, x.method, url, pairs(headers));
    const relay = new ResponseRelay(fc, res, x, url, {
      canResend: !retry && replayable,
      canRefresh: !retry && !body,
      retry: () => void attempt(true),
      onStart: (f) => (current = f),
    });
    ready.send({ method: x.method, path, headers, body: body ? req : null }, relay);
  };
  attempt(false).catch((err: unknown) => failRequest(fc, res, x, err));
}

interface RelayHooks {
  /** Go's transport would resend this request if its kept-alive connection turned out closed. */
  canResend: boolean;
  /** A 401 may be answered by running the exec plugin again and resending. */
  canRefresh: boolean;
  retry(): void;
  onStart(f: Flow): void;
}

/** One forwarded answer: the engine's events become writes to the client's response. */
class ResponseRelay implements ResponseSink {
  readonly #fc: ForwardContext;
  readonly #res: ServerResponse;
  readonly #x: Exchange;
  readonly #url: string;
  readonly #hooks: RelayHooks;
  #flow: Flow | undefined;
  #retrying = false;
  #started = false;
  /** Body chunks received in this tick, written together by #flush. */
  #pending: Buffer[] = [];

  constructor(fc: ForwardContext, res: ServerResponse, x: Exchange, url: string, hooks: RelayHooks) {
    this.#fc = fc;
    this.#res = res;
    this.#x = x;
    this.#url = url;
    this.#hooks = hooks;
  }

  start(flow: Flow): void {
    this.#flow = flow;
    this.#hooks.onStart(flow);
    if (this.#res.destroyed) flow.abort(new Error('the client went away'));
  }

  head(status: number, headers: DistinctHeaders): void {
    const { klog } = this.#fc;
    const flow = this.#flow as Flow;
    if (klog.level >= 6) {
      logResponse(klog, this.#x.method, this.#url, `${status} ${STATUS_CODES[status] ?? ''}`, headers, performance.now() - this.#x.started);
    }
    if (status === 401 && this.#hooks.canRefresh && this.#fc.upstream.refreshCredentials()) {
      this.#retrying = true;
      flow.abort(new Error('retrying with a new credential'));
      this.#hooks.retry();
      return;
    }
    this.#started = true;
    this.#x.status = status;
    const res = this.#res;
    if (res.destroyed) return;
    goConnectionHeader(res);
    try {
      res.writeHead(status, downstreamHeaders(undefined, headers));
    } catch (err) {
      // A header Node will not write (Go's server would drop it too): refuse the answer as a whole.
      res.removeHeader('Content-Length');
      this.#started = false;
      flow.abort(err as Error);
      return;
    }
    // A streamed answer (no Content-Length: a watch, a followed log) may wait long for its first
    // chunk; its head goes out now. A sized body follows at once and shares the write.
    if (headers['content-length'] === undefined) res.flushHeaders();
  }

  data(chunk: Buffer): void {
    if (this.#retrying) return;
    this.#x.bytes += chunk.length;
    // The chunks parsed from what the upstream socket delivered in this turn of the event
    // loop (a kubelet's log arrives line by line) go out as one write. setImmediate runs
    // before the loop waits for I/O again, so nothing is held back; one write per line
    // would cost more than the rest of the relay.
    if (this.#pending.length === 0) setImmediate(this.#flush);
    this.#pending.push(chunk);
  }

  readonly #flush = (): void => {
    const chunks = this.#pending;
    if (chunks.length === 0) return;
    this.#pending = [];
    const res = this.#res;
    if (res.destroyed) return;
    const flow = this.#flow;
    if (!res.write(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)) && flow) {
      flow.pause();
      res.once('drain', () => flow.resume());
    }
  };

  end(): void {
    this.#flush();
    this.#res.end();
  }

  error(err: Error): void {
    if (this.#retrying || this.#res.destroyed) return;
    const code = (err as { code?: string }).code;
    if (!this.#started && this.#hooks.canResend && this.#flow?.reused() && (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET')) {
      // A kept-alive connection the server had just closed (persistConn.shouldRetryRequest).
      this.#hooks.retry();
      return;
    }
    // A round trip with no answer: client-go's Response line with an empty status.
    if (!this.#started) logResponse(this.#fc.klog, this.#x.method, this.#url, '', undefined, performance.now() - this.#x.started);
    failRequest(this.#fc, this.#res, this.#x, err);
  }
}

/** Flat header list to the record request-log.ts prints. */
function pairs(flat: string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < flat.length; i += 2) {
    const k = (flat[i] as string).toLowerCase();
    const prev = out[k];
    const v = flat[i + 1] as string;
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}
