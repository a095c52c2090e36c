/**
 * The relay's engine for a server it reaches directly: HTTP/1.1 spoken on
 * plain or TLS sockets kept alive in a pool, as Go's persistConn does for
 * kubectl proxy. A body is decoded a whole socket read at a time (a read
 * carries many of a log's small chunks), where an HTTP client library calls
 * back once per chunk; and neither undici's WebAssembly parser nor node:http's
 * client machinery is loaded. Idle connections are reused newest first.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { TlsConfig } from '../kube/clientcmd/client-config.ts';
import { bodyDecoder, type BodyDecoder } from '../kube/logs/chunked.ts';
import type { ServerAddress } from '../transport/address.ts';
import { hostHeader } from '../transport/dispatcher.ts';
import { goLookup } from '../transport/go-lookup.ts';
import type { DistinctHeaders, ResponseSink, UpstreamRequest } from './engine.ts';
import { ChunkedInPlace } from './chunked-in-place.ts';
import { parseResponseHead, type ParsedHead } from './response-head.ts';

/** Go's transport dialer: TCP keep-alive probes every 30 s. */
const TCP_KEEPALIVE_MS = 30_000;

export interface H1EngineOptions {
  address: ServerAddress;
  tls: TlsConfig;
  /** node:tls connect options for a TLS address (dispatcher.ts checkedTlsOptions: the same as every command's). */
  connect?: Record<string, unknown>;
  /** Idle connections kept. */
  maxIdle: number;
}

/** A connection, and whether it has carried a request to its end before (Go's persistConn.isReused). */
interface Conn {
  socket: Socket;
  reused: boolean;
}

/** One server's connections, and how requests are written for it. */
export class H1Engine {
  readonly #open: () => Socket;
  readonly #host: string;
  readonly #maxIdle: number;
  readonly #idle: Socket[] = [];
  readonly #all = new Set<Socket>();
  /** The listeners that drop an idle connection, by connection. */
  readonly #dropping = new WeakMap<Socket, () => void>();

  constructor(o: H1EngineOptions) {
    const { address } = o;
    const where = address.transport === 'unix'
      ? { path: address.socketPath }
      : { host: address.host.replace(/^\[|\]$/g, ''), port: Number(address.url.port) || (address.tls ? 443 : 80), lookup: goLookup };
    const tls = address.tls ? o.connect ?? {} : undefined;
    this.#open = tls ? () => tlsConnect({ ...where, ...tls }) : () => netConnect(where);
    this.#host = hostHeader(address, o.tls);
    this.#maxIdle = o.maxIdle;
  }

  /** Sends `req`; its answer goes to `sink`. `fresh`: on a new connection, not an idle one. */
  send(req: UpstreamRequest, sink: ResponseSink, fresh: boolean): void {
    const conn = this.#acquire(fresh);
    new H1Exchange(conn, req, sink, this.#host, (keep) => this.#release(conn.socket, keep)).run();
  }

  /** Tears every connection down, streams included. */
  close(): void {
    this.#idle.length = 0;
    for (const s of this.#all) s.destroy();
    this.#all.clear();
  }

  #acquire(fresh: boolean): Conn {
    const idle = fresh ? undefined : this.#idle.pop();
    if (idle) {
      const drop = this.#dropping.get(idle) as () => void;
      idle.off('data', drop).off('end', drop).off('close', drop).off('error', drop);
      idle.ref();
      return { socket: idle, reused: true };
    }
    const socket = this.#open();
    socket.setNoDelay(true);
    socket.setKeepAlive(true, TCP_KEEPALIVE_MS);
    this.#all.add(socket);
    socket.once('close', () => this.#all.delete(socket));
    return { socket, reused: false };
  }

  /** A connection whose exchange is over: idle for the next request, or closed. */
  #release(socket: Socket, keep: boolean): void {
    if (!keep || socket.destroyed || this.#idle.length >= this.#maxIdle || !this.#all.has(socket)) {
      socket.destroy();
      return;
    }
    // An idle connection the server closes, or speaks on unasked, is dropped.
    const drop = (): void => {
      const i = this.#idle.indexOf(socket);
      if (i >= 0) this.#idle.splice(i, 1);
      socket.destroy();
    };
    this.#dropping.set(socket, drop);
    socket.on('data', drop).on('end', drop).on('close', drop).on('error', drop);
    socket.unref();
    this.#idle.push(socket);
  }
}

/** Go's transport error for a connection that ended before the answer did. */
function closedEarly(): Error {
  return Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
}

/** One request and its answer on one connection. */
class H1Exchange {
  readonly #conn: Conn;
  readonly #req: UpstreamRequest;
  readonly #sink: ResponseSink;
  readonly #host: string;
  readonly #done: (keep: boolean) => void;
  #head: Buffer | undefined = Buffer.alloc(0);
  #decoder: BodyDecoder | undefined;
  #keepAlive = false;
  #over = false;

  constructor(conn: Conn, req: UpstreamRequest, sink: ResponseSink, host: string, done: (keep: boolean) => void) {
    this.#conn = conn;
    this.#req = req;
    this.#sink = sink;
    this.#host = host;
    this.#done = done;
  }

  run(): void {
    const { socket } = this.#conn;
    // Once the exchange is over, the connection may serve another: its flow is no longer this one's.
    this.#sink.start({
      pause: () => void (this.#over || socket.pause()),
      resume: () => void (this.#over || socket.resume()),
      abort: (err) => this.#fail(err),
      reused: () => this.#conn.reused,
    });
    if (this.#over) return;
    socket.on('data', this.#onData).on('end', this.#onEnd).on('close', this.#onEnd).on('error', this.#onError);
    this.#write();
  }

  readonly #onData = (piece: Buffer): void => this.#read(piece);
  readonly #onEnd = (): void => this.#ended();
  readonly #onError = (err: Error): void => this.#fail(err);

  /** The request head, then its body: as sized by the client, else chunked. */
  #write(): void {
    const { socket } = this.#conn;
    const { method, path, headers, body } = this.#req;
    const lines = [`${method} ${path} HTTP/1.1`, `Host: ${this.#host}`];
    let sized = false;
    for (let i = 0; i < headers.length; i += 2) {
      if ((headers[i] as string).toLowerCase() === 'content-length') sized = true;
      lines.push(`${headers[i] as string}: ${headers[i + 1] as string}`);
    }
    const chunked = body !== null && !sized;
    if (chunked) lines.push('Transfer-Encoding: chunked');
    socket.write(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
    if (!body) return;
    body.on('data', (c: Buffer) => {
      if (this.#over) return;
      if (chunked) socket.write(`${c.length.toString(16)}\r\n`, 'latin1');
      const room = socket.write(c);
      if (chunked) socket.write('\r\n', 'latin1');
      if (!room) {
        body.pause();
        socket.once('drain', () => body.resume());
      }
    });
    body.once('end', () => {
      if (chunked && !this.#over) socket.write('0\r\n\r\n');
    });
    // The client went away mid-upload: the request cannot be completed.
    body.once('aborted', () => this.#fail(closedEarly()));
  }

  #read(piece: Buffer): void {
    if (this.#over) return;
    try {
      let body = piece;
      if (!this.#decoder) {
        const got = this.#takeHead(piece);
        // No head yet; or the sink stopped the exchange on seeing it (a 401 to answer with a new credential).
        if (!got || this.#over) return;
        body = got;
      }
      // At most one buffer per read: a view of it (chunked bodies are decoded in place).
      for (const part of (this.#decoder as BodyDecoder).push(body)) this.#sink.data(part);
      if ((this.#decoder as BodyDecoder).done()) this.#finish(true);
    } catch (err) {
      this.#fail(err as Error);
    }
  }

  /** Gathers the head; once whole, tells the sink and returns the body bytes of this piece. */
  #takeHead(piece: Buffer): Buffer | undefined {
    for (let buf: Buffer = Buffer.concat([this.#head as Buffer, piece]); ;) {
      const got: { head: ParsedHead; rest: Buffer } | undefined = parseResponseHead(buf);
      if (!got) {
        this.#head = buf;
        return undefined;
      }
      // 1xx answers (100 Continue, 103 Early Hints) precede the real one; the client is not told.
      if (got.head.status < 200) {
        buf = got.rest;
        continue;
      }
      this.#head = undefined;
      this.#answer(got.head.status, got.head.headers, got.head.close);
      return got.rest;
    }
  }

  #answer(status: number, headers: DistinctHeaders, close: boolean): void {
    const noBody = this.#req.method === 'HEAD' || status === 204 || status === 304;
    const single = (name: string) => headers[name]?.join(', ');
    const te = single('transfer-encoding');
    const cl = single('content-length');
    this.#decoder = noBody
      ? { push: () => [], done: () => true, endsAtClose: () => true }
      : te !== undefined && /\bchunked\b/i.test(te)
        ? new ChunkedInPlace()
        : bodyDecoder({ status, headers: cl !== undefined ? { 'content-length': cl } : {} });
    // A body that runs until the connection closes leaves nothing to reuse.
    this.#keepAlive = !close && (noBody || te !== undefined || cl !== undefined);
    this.#sink.head(status, headers);
  }

  #ended(): void {
    if (this.#over) return;
    if (this.#decoder?.endsAtClose()) return this.#finish(false);
    this.#fail(closedEarly());
  }

  #finish(keep: boolean): void {
    this.#over = true;
    this.#detach();
    this.#done(keep && this.#keepAlive && this.#bodySent());
    this.#sink.end();
  }

  /** Whether the request's own body was sent whole (else the connection is mid-request). */
  #bodySent(): boolean {
    const body = this.#req.body;
    return body === null || body.readableEnded;
  }

  #fail(err: Error): void {
    if (this.#over) return;
    this.#over = true;
    this.#detach();
    this.#done(false);
    this.#sink.error(err);
  }

  #detach(): void {
    const { socket } = this.#conn;
    socket.off('data', this.#onData).off('end', this.#onEnd).off('close', this.#onEnd).off('error', this.#onError);
    if (socket.isPaused()) socket.resume();
  }
}
