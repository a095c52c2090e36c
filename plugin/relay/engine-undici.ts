/**
 * The relay's engine for a server behind a proxy (--proxy-url, HTTPS_PROXY):
 * undici, through the same transport every command uses (openTransport).
 * One transport carries one request at a time; Upstream pools them.
 */
import type { Dispatcher } from 'undici';
import type { Transport } from '../transport/dispatcher.ts';
import type { DistinctHeaders, ResponseSink, UpstreamRequest } from './engine.ts';

/** Gives a transport back once its request is over; a broken one is closed. */
export type Release = (t: Transport, healthy: boolean) => void;

/** Sends `req` on `t`; its answer goes to `sink`. `reused`: `t` carried a request before. */
export function sendOverUndici(t: Transport, reused: boolean, release: Release, req: UpstreamRequest, sink: ResponseSink): void {
  t.dispatcher.dispatch(
    { method: req.method, path: req.path, headers: req.headers, body: req.body, headersTimeout: 0, bodyTimeout: 0 },
    new SinkHandler(sink, () => reused, (healthy) => release(t, healthy)),
  );
}

/** undici's handler API, told to a sink. */
class SinkHandler implements Dispatcher.DispatchHandler {
  readonly #sink: ResponseSink;
  readonly #reused: () => boolean;
  readonly #release: (healthy: boolean) => void;

  constructor(sink: ResponseSink, reused: () => boolean, release: (healthy: boolean) => void) {
    this.#sink = sink;
    this.#reused = reused;
    this.#release = release;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#sink.start({
      pause: () => controller.pause(),
      resume: () => controller.resume(),
      abort: (err) => controller.abort(err),
      reused: this.#reused,
    });
  }

  onResponseStart(controller: Dispatcher.DispatchController, status: number, headers: Record<string, string | string[] | undefined>): void {
    // 1xx answers (103 Early Hints) precede the real one.
    if (status < 200) return;
    this.#sink.head(status, distinct((controller as { rawHeaders?: Buffer[] }).rawHeaders, headers));
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#sink.data(chunk);
  }

  onResponseEnd(): void {
    this.#release(true);
    this.#sink.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.#release(false);
    this.#sink.error(err);
  }
}

/** Every value of each header, as node's headersDistinct gives them. */
function distinct(raw: readonly Buffer[] | undefined, parsed: Record<string, string | string[] | undefined>): DistinctHeaders {
  const out: DistinctHeaders = {};
  if (!raw) {
    for (const [k, v] of Object.entries(parsed)) if (v !== undefined) out[k] = Array.isArray(v) ? v : [v];
    return out;
  }
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as Buffer).toString('latin1').toLowerCase();
    (out[name] ??= []).push((raw[i + 1] as Buffer).toString('latin1'));
  }
  return out;
}
