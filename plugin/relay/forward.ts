import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Klog } from '../klog.ts';
import { logRequest, logResponse } from '../kube/request-log.ts';
import { toConnectError } from '../transport/connect-error.ts';
import type { Transport } from '../transport/dispatcher.ts';
import type { Exchange } from './access-log.ts';
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
}

/** Whether a request carries a body (its stream cannot be sent twice, so it is never retried). */
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
 * each chunk is written as soon as undici hands it over (a watch event or a
 * followed log line is never held back), with backpressure both ways. A
 * bodiless request is retried once on a fresh connection after a reused
 * connection failed before answering, and after a 401 when an exec plugin
 * can supply a new credential.
 */
export function forward(fc: ForwardContext, req: IncomingMessage, res: ServerResponse, path: string, x: Exchange): void {
  let gone = false;
  let current: Dispatcher.DispatchController | undefined;
  res.once('close', () => {
    gone = !res.writableFinished;
    if (gone) current?.abort(new Error('the client went away'));
  });
  const body = hasBody(req);
  const attempt = async (retry: boolean): Promise<void> => {
    let t: Transport;
    let headers: string[];
    try {
      // A retry takes a new connection: the idle ones may all have been closed together.
      const ready = await fc.upstream.prepare(retry);
      t = ready.transport;
      headers = upstreamHeaders(req, ready.credentials);
    } catch (err) {
      return failRequest(fc, res, x, err);
    }
    if (gone) return fc.upstream.release(t, true);
    const url = `${fc.upstream.display}${path}`;
    if (fc.klog.level >= 7) logRequest(fc.klog, x.method, url, pairs(headers));
    const handler = new ResponseRelay(fc, res, x, t, url, {
      canRetry: !retry && !body,
      retry: () => void attempt(true),
      onStart: (c) => (current = c),
    });
    t.dispatcher.dispatch({ method: x.method, path, headers, body: body ? req : null, headersTimeout: 0, bodyTimeout: 0 }, handler);
  };
  attempt(false).catch((err: unknown) => failRequest(fc, res, x, err));
}

interface RelayHooks {
  canRetry: boolean;
  retry(): void;
  onStart(c: Dispatcher.DispatchController): void;
}

/** undici's handler for one forwarded request: upstream events become writes to the client's response. */
class ResponseRelay implements Dispatcher.DispatchHandler {
  readonly #fc: ForwardContext;
  readonly #res: ServerResponse;
  readonly #x: Exchange;
  readonly #t: Transport;
  readonly #url: string;
  readonly #hooks: RelayHooks;
  #retrying = false;
  #started = false;
  /** Body chunks received in this tick, written together by #flush. */
  #pending: Buffer[] = [];

  constructor(fc: ForwardContext, res: ServerResponse, x: Exchange, t: Transport, url: string, hooks: RelayHooks) {
    this.#fc = fc;
    this.#res = res;
    this.#x = x;
    this.#t = t;
    this.#url = url;
    this.#hooks = hooks;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#hooks.onStart(controller);
    if (this.#res.destroyed) controller.abort(new Error('the client went away'));
  }

  onResponseStart(controller: Dispatcher.DispatchController, status: number, headers: Record<string, string | string[] | undefined>): void {
    // 1xx answers (103 Early Hints) precede the real one; the client's connection is not told.
    if (status < 200) return;
    const { klog } = this.#fc;
    if (klog.level >= 6) {
      logResponse(klog, this.#x.method, this.#url, `${status} ${STATUS_CODES[status] ?? ''}`, headers, performance.now() - this.#x.started);
    }
    if (status === 401 && this.#hooks.canRetry && this.#fc.upstream.refreshCredentials()) {
      this.#retrying = true;
      controller.abort(new Error('retrying with a new credential'));
      this.#hooks.retry();
      return;
    }
    this.#started = true;
    this.#x.status = status;
    const raw = (controller as { rawHeaders?: Buffer[] }).rawHeaders;
    const res = this.#res;
    if (res.destroyed) return;
    goConnectionHeader(res);
    try {
      res.writeHead(status, downstreamHeaders(raw, headers));
    } catch (err) {
      // A header Node will not write (Go's server would drop it too): refuse the answer as a whole.
      res.removeHeader('Content-Length');
      this.#started = false;
      controller.abort(err as Error);
      return;
    }
    // A streamed answer (no Content-Length: a watch, a followed log) may wait long for its first
    // chunk; its head goes out now. A sized body follows at once and shares the write.
    if (headers['content-length'] === undefined) res.flushHeaders();
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#x.bytes += chunk.length;
    // The chunks parsed from what the upstream socket delivered in this turn of the event
    // loop (a kubelet's log arrives line by line) go out as one write. setImmediate runs
    // before the loop waits for I/O again, so nothing is held back; one write per line
    // would cost more than the rest of the relay.
    if (this.#pending.length === 0) setImmediate(this.#flush, controller);
    this.#pending.push(chunk);
  }

  readonly #flush = (controller?: Dispatcher.DispatchController): void => {
    const chunks = this.#pending;
    if (chunks.length === 0) return;
    this.#pending = [];
    const res = this.#res;
    if (res.destroyed) return;
    if (!res.write(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)) && controller) {
      controller.pause();
      res.once('drain', () => controller.resume());
    }
  };

  onResponseEnd(): void {
    this.#fc.upstream.release(this.#t, true);
    this.#flush();
    this.#res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.#fc.upstream.release(this.#t, false);
    if (this.#retrying || this.#res.destroyed) return;
    const code = (err as { code?: string }).code;
    if (!this.#started && this.#hooks.canRetry && (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET')) {
      // A kept-alive connection the server had just closed: Go's transport retries these too.
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
