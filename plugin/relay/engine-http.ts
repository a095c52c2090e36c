/**
 * The relay's engine for a server it reaches directly: node:http(s) with a
 * keep-alive Agent. Node's own HTTP parser is native code; undici's is
 * WebAssembly, and compiling it (with the JavaScript around it) held about
 * 11 MiB of a proxy's memory for good (docs/benchmarks.md, "Where the
 * proxy's memory goes"). Idle connections are reused newest first, as Go's
 * transport does.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { TlsConfig } from '../kube/client-config.ts';
import type { ServerAddress } from '../transport/address.ts';
import { hostHeader, tlsConnectOptions, type ClientCertificate } from '../transport/dispatcher.ts';
import type { ResponseSink, UpstreamRequest } from './engine.ts';

/** Response header limit, as the undici transport's (dispatcher.ts). */
const MAX_HEADER_SIZE = 1 << 20;

export interface HttpEngineOptions {
  address: ServerAddress;
  tls: TlsConfig;
  clientCertificate?: ClientCertificate;
  /** Idle connections kept. */
  maxIdle: number;
}

/** One server's connection pool, and how requests are addressed to it. */
export class HttpEngine {
  readonly #agent: HttpAgent;
  readonly #base: RequestOptions;
  readonly #secure: boolean;
  readonly #host: string;

  constructor(o: HttpEngineOptions) {
    const { address } = o;
    this.#secure = address.tls;
    const tls = address.tls ? tlsConnectOptions(o) : {};
    const pool = { keepAlive: true, maxFreeSockets: o.maxIdle, scheduling: 'lifo' as const };
    this.#agent = address.tls ? new HttpsAgent({ ...pool, ...tls }) : new HttpAgent(pool);
    this.#base = address.transport === 'unix'
      ? { socketPath: address.socketPath }
      : { host: address.url.hostname.replace(/^\[|\]$/g, ''), port: Number(address.url.port) || (address.tls ? 443 : 80) };
    this.#host = hostHeader(address, o.tls);
    this.#fresh = tls;
  }

  /** A resend's connection must not come from the pool: a one-off agent's, closed after it. */
  readonly #fresh: Record<string, unknown>;

  /** Sends `req`; its answer goes to `sink`. `fresh`: on a new connection, not an idle one. */
  send(req: UpstreamRequest, sink: ResponseSink, fresh: boolean): void {
    const options: RequestOptions = {
      ...this.#base,
      ...(fresh ? { agent: false, ...this.#fresh } : { agent: this.#agent }),
      method: req.method,
      path: req.path,
      headers: [...req.headers, 'Host', this.#host],
      maxHeaderSize: MAX_HEADER_SIZE,
    };
    const up = (this.#secure ? httpsRequest : httpRequest)(options);
    new Exchange(up, sink).run(req.body);
  }

  /** Tears every connection down, streams included. */
  close(): void {
    this.#agent.destroy();
  }
}

/** One request's events, told to its sink once each. */
class Exchange {
  readonly #up: ClientRequest;
  readonly #sink: ResponseSink;
  #res: IncomingMessage | undefined;
  #over = false;

  constructor(up: ClientRequest, sink: ResponseSink) {
    this.#up = up;
    this.#sink = sink;
  }

  run(body: IncomingMessage | null): void {
    const up = this.#up;
    this.#sink.start({
      pause: () => this.#res?.pause(),
      resume: () => this.#res?.resume(),
      abort: (err) => {
        this.#fail(err);
        up.destroy(err);
      },
      reused: () => up.reusedSocket,
    });
    up.on('error', (err) => this.#fail(err));
    up.on('response', (res) => this.#answer(res));
    if (body) body.pipe(up);
    else up.end();
  }

  #answer(res: IncomingMessage): void {
    this.#res = res;
    this.#sink.head(res.statusCode ?? 0, res.headersDistinct);
    res.on('data', (chunk: Buffer) => {
      if (!this.#over) this.#sink.data(chunk);
    });
    res.on('end', () => {
      if (this.#over) return;
      this.#over = true;
      this.#sink.end();
    });
    // A connection that broke off mid-body: no 'end', an 'error' (aborted) or a bare 'close'.
    res.on('error', (err) => this.#fail(err));
    res.on('close', () => {
      if (!res.complete) this.#fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    });
  }

  #fail(err: Error): void {
    if (this.#over) return;
    this.#over = true;
    this.#sink.error(err);
  }
}
