// The two requests `logs` makes: GET JSON (the object, the pod list) and GET a
// stream (a log, a watch). Over the shared KubeClient, or, on a plain socket
// with nothing to authenticate, over the direct reader, which spares loading
// undici and keeps a big log's memory at one buffer.
import type { Writable } from 'node:stream';
import { ConnectError, SockError } from '../../errors.ts';
import type { Klog } from '../../klog.ts';
import { KeptAlive } from '../../transport/kept-alive.ts';
import { retrying, type RetryKind, type RetryLoop } from '../rest/with-retry.ts';
import type { KubeClient } from '../rest/client.ts';
import { apiErrorFrom, type ErrorContext } from '../rest/status-error.ts';
import { directGet, type DirectTarget } from './direct-reader.ts';
import { encodeQuery } from '../rest/request-url.ts';

export interface LogsRequest {
  path: string;
  query?: Record<string, string>;
  about?: ErrorContext;
}

/** An open streaming response: its body, and whether body pieces are reused once the next is read. */
export interface OpenedStream {
  body: AsyncIterable<Buffer>;
  reusesBuffers: boolean;
  /** The direct reader's copy of the body to a Writable, for bytes that need no work on the way. */
  pipeTo?(out: Writable, onData: () => void): Promise<'ended' | 'dropped'>;
  close(): void;
}

export interface LogsClient {
  /** GET and decode; a non-2xx answer throws kubectl's error for it. */
  json<T>(req: LogsRequest): Promise<T>;
  /** GET a stream; a non-2xx answer throws kubectl's error for it. `signal` cuts it. */
  stream(req: LogsRequest, signal: AbortSignal): Promise<OpenedStream>;
  /** A client of its own for one of several concurrent follows: an endless stream holds its connection. */
  another(): LogsClient;
  /** Closes what another() opened. */
  close(): Promise<void>;
}

/**
 * The shared client (TLS, credentials, proxies, -v logging). Its connection
 * serves one request at a time, so concurrent follows get clients from `make`.
 */
export function viaKubeClient(shared: KubeClient, make: () => KubeClient): LogsClient {
  const extra: KubeClient[] = [];
  const over = (client: KubeClient): LogsClient => ({
    json: (req) => client.json(req),
    async stream(req, signal) {
      // client-go's Request.Stream: only an answer with Retry-After is retried.
      const res = await client.send({ ...req, retry: 'stream' });
      if (signal.aborted) {
        res.body.destroy();
        throw signal.reason;
      }
      await client.ensureOk(res, req);
      return { body: res.body, reusesBuffers: false, close: () => res.body.destroy() };
    },
    another() {
      const c = make();
      extra.push(c);
      return over(c);
    },
    async close() {
      await Promise.all(extra.splice(0).map((c) => c.close()));
    },
  });
  return over(shared);
}

function pathWithQuery(req: LogsRequest): string {
  const qs = encodeQuery(req.query ?? {});
  return qs ? `${req.path}?${qs}` : req.path;
}

async function readAll(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const piece of body) chunks.push(Buffer.from(piece));
  return Buffer.concat(chunks).toString('utf8');
}

/** No -v logging. */
const QUIET: Klog = { level: 0, info: () => undefined, error: () => undefined };

/** The direct reader (direct-reader.ts), for plain sockets with nothing to authenticate. */
export function viaDirectReader(target: DirectTarget, signal: AbortSignal, klog: Klog = QUIET): LogsClient {
  const conn = new KeptAlive();
  const open = async (req: LogsRequest, sig: AbortSignal, kind: RetryKind) => {
    const path = pathWithQuery(req);
    const url = `${target.address.display}${target.basePath}${path}`;
    const loop: RetryLoop = { kind, method: 'GET', url, replayable: true, klog, signal: sig };
    const res = await retrying(loop, async () => {
      const r = await conn.roundTrip(true, () => directGet(target, path, sig));
      return Object.assign(r, { discard: () => r.close() });
    }).catch((err: unknown) => {
      if (err instanceof ConnectError) klog.info(4, 'client.ts', `Connection error: GET ${url}: ${err.detail}`);
      throw err;
    });
    if (res.status >= 200 && res.status <= 299) return res;
    const text = await readAll(res.body);
    throw apiErrorFrom(res.status, text, res.headers['content-type'] ?? '', { method: 'GET', ...req.about });
  };
  /** The answer read to its end leaves Go's connection idle for the next request. */
  async function* tracked(body: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
    yield* body;
    conn.idle();
  }
  const client: LogsClient = {
    async json<T>(req: LogsRequest): Promise<T> {
      const text = await readAll((await open(req, signal, 'request')).body);
      conn.idle();
      try {
        return JSON.parse(text) as T;
      } catch {
        throw (await import('../go-json-syntax.ts')).jsonSyntaxError(text);
      }
    },
    async stream(req, sig) {
      const res = await open(req, sig, 'stream');
      const pipeTo = res.pipeTo;
      return {
        body: tracked(res.body),
        reusesBuffers: true,
        pipeTo: pipeTo && (async (out, onData) => {
          const how = await pipeTo(out, onData);
          if (how === 'ended') conn.idle();
          return how;
        }),
        close: () => res.close(),
      };
    },
    // Every request has a connection of its own already.
    another: () => client,
    close: async () => undefined,
  };
  return client;
}
