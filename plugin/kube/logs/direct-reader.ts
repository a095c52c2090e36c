// A log body read straight off a plain socket into one reusable buffer
// (net's `onread`), for the case that dominates big logs: no TLS, no
// credentials, no proxy. Node's usual socket reads allocate 64 KiB per read and
// a 256 MiB log then peaks above 100 MiB of RSS before the GC catches up; here
// memory stays at one buffer, and each body piece is a view into it that is
// valid until the consumer asks for the next one.
import { connect, type Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { ConnectError } from '../../errors.ts';
import type { RestConfig } from '../clientcmd/client-config.ts';
import type { ServerAddress } from '../../transport/address.ts';
import { toConnectError } from '../../transport/connect-error.ts';
import { goLookup } from '../../transport/go-lookup.ts';
import { proxyFor } from '../../transport/proxy-env.ts';
import { userAgent } from '../../version-info.ts';
import { bodyDecoder, HeadParser, type BodyDecoder, type ResponseHead } from './chunked.ts';

const READ_BUFFER_BYTES = 256 * 1024;

/** Where and how to connect, when the direct reader applies. */
export interface DirectTarget {
  address: ServerAddress;
  /** The server URL's path prefix. */
  basePath: string;
  host: string;
}

/**
 * The direct reader applies when the client would send nothing but the request:
 * plain HTTP (no credentials are sent there), no impersonation, no proxy, no
 * --request-timeout, and no -v request logging to reproduce.
 */
export function directTarget(config: RestConfig, env: Readonly<Record<string, string | undefined>>, verbosity: number): DirectTarget | undefined {
  const { address, impersonate } = config;
  if (address.tls || verbosity >= 6 || config.timeoutMs > 0) return undefined;
  if (impersonate.user || impersonate.uid || impersonate.groups.length > 0 || Object.keys(impersonate.extra).length > 0) return undefined;
  if (address.transport === 'unix') return { address, basePath: '', host: 'localhost' };
  try {
    if (proxyFor(address, config.proxyUrl, env)) return undefined;
  } catch {
    return undefined;
  }
  return { address, basePath: address.basePath, host: address.authority };
}

export interface DirectResponse extends ResponseHead {
  /** Body pieces; each is valid until the next one is asked for. */
  body: AsyncIterableIterator<Buffer>;
  /**
   * Copies the rest of the body to `out` from the socket's own read
   * callbacks (instead of reading `body`): 'dropped' if the connection ends
   * before the body does.
   */
  pipeTo(out: Writable, onData: () => void): Promise<'ended' | 'dropped'>;
  close(): void;
}

/** A body being copied to a Writable (pipeTo). */
interface Pipe {
  out: Writable;
  onData: () => void;
  resolve: (outcome: 'ended' | 'dropped') => void;
  reject: (err: unknown) => void;
}

/** A connection that ended before the body did (undici calls it "other side closed"). */
function droppedError(): Error {
  return Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
}

/** GET `path` (with its query) and resolve once the response head is in. `accept` is the Accept header. */
export function directGet(target: DirectTarget, path: string, signal: AbortSignal, accept = 'application/json, */*'): Promise<DirectResponse> {
  return new Promise((resolve, reject) => new DirectExchange(target, path, accept, signal, resolve, reject).start());
}

class DirectExchange {
  readonly #buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  readonly #head = new HeadParser();
  readonly #queue: Buffer[] = [];
  #decoder: BodyDecoder | undefined;
  #sock: Socket | undefined;
  #paused = false;
  #finished = false;
  #failure: Error | undefined;
  #wake: (() => void) | undefined;
  #pipe: Pipe | undefined;
  /** While piping: `out` is still writing from the buffer. */
  #writing = false;

  readonly target: DirectTarget;
  readonly path: string;
  readonly accept: string;
  readonly signal: AbortSignal;
  readonly resolve: (r: DirectResponse) => void;
  readonly reject: (err: unknown) => void;

  constructor(target: DirectTarget, path: string, accept: string, signal: AbortSignal, resolve: (r: DirectResponse) => void, reject: (err: unknown) => void) {
    this.target = target;
    this.path = path;
    this.accept = accept;
    this.signal = signal;
    this.resolve = resolve;
    this.reject = reject;
  }

  start(): void {
    if (this.signal.aborted) return this.reject(this.signal.reason);
    const { address } = this.target;
    const onread = { buffer: this.#buffer, callback: (n: number, buf: Buffer) => this.#onRead(buf.subarray(0, n)) };
    const sock =
      address.transport === 'unix'
        ? connect({ path: address.socketPath, onread })
        : connect({ host: address.host.replace(/^\[|\]$/g, ''), port: Number(address.url.port || 80), lookup: goLookup, onread });
    this.#sock = sock;
    sock.once('connect', () => sock.write(this.#requestHead()));
    sock.on('error', (err) => this.#fail(this.#decoder ? err : (toConnectError(err, address) ?? new ConnectError('other', address.display, err.message))));
    sock.on('close', () => this.#closed());
    this.signal.addEventListener('abort', this.#abort, { once: true });
  }

  #abort = (): void => this.#fail(this.signal.reason as Error);

  #requestHead(): string {
    const lines = [
      `GET ${this.target.basePath}${this.path} HTTP/1.1`,
      `Host: ${this.target.host}`,
      `Accept: ${this.accept}`,
      `User-Agent: ${userAgent()}`,
      'Connection: close',
    ];
    return `${lines.join('\r\n')}\r\n\r\n`;
  }

  /** onread's callback: returning false pauses the socket, so the buffer is not reused under a pending view. */
  #onRead(piece: Buffer): boolean {
    try {
      let body = piece;
      if (!this.#decoder) {
        const got = this.#head.push(piece);
        if (!got) return true;
        this.#decoder = bodyDecoder(got.head);
        body = got.rest;
        this.resolve({ ...got.head, body: this.#iterate(), pipeTo: (out, onData) => this.#pipeTo(out, onData), close: () => this.#close() });
      }
      for (const view of this.#decoder.push(body)) this.#queue.push(view);
      if (this.#decoder.done()) this.#finished = true;
    } catch (err) {
      this.#fail(err as Error);
      return false;
    }
    if (this.#pipe) return this.#writeQueued(this.#pipe);
    this.#wake?.();
    if (this.#finished) this.#sock?.destroy();
    if (this.#queue.length === 0) return true;
    this.#paused = true;
    return false;
  }

  #closed(): void {
    this.signal.removeEventListener('abort', this.#abort);
    if (this.#decoder?.endsAtClose()) this.#finished = true;
    else this.#fail(droppedError());
    this.#wake?.();
    if (this.#pipe) this.#settle(this.#pipe);
  }

  #fail(err: Error): void {
    if (this.#finished || this.#failure) return;
    this.#failure = err;
    this.#sock?.destroy();
    // Before the response head, a hang-up or bytes that are not HTTP are connection errors in Go's words, as on the undici path.
    if (!this.#decoder) this.reject(err instanceof ConnectError || err === this.signal.reason ? err : (toConnectError(err, this.target.address) ?? err));
    this.#wake?.();
    // Ctrl-C ends the copy at once: stdout's pending writes may never drain.
    if (this.#pipe && err === this.signal.reason) this.#endPipe(this.#pipe);
    else if (this.#pipe) this.#settle(this.#pipe);
  }

  /**
   * The plain copy of a log (kubectl logs with no line transform): each piece
   * goes to `out` from the socket's read callback, with no promise or copy on
   * the way. stdout takes it at once (logs/stream.ts makes a pipe block, as
   * Node makes a terminal or a file), so the buffer is read into again right
   * away; a write left pending pauses the socket until it is done, as the
   * buffer is still being written from.
   */
  #pipeTo(out: Writable, onData: () => void): Promise<'ended' | 'dropped'> {
    return new Promise((resolve, reject) => {
      const pipe: Pipe = { out, onData, resolve, reject };
      this.#pipe = pipe;
      if (this.#writeQueued(pipe) && this.#paused) {
        this.#paused = false;
        this.#sock?.resume();
      }
    });
  }

  /** Writes what was read; returns whether the socket may read on (onread's answer). */
  #writeQueued(pipe: Pipe): boolean {
    let pending = false;
    for (let view = this.#queue.shift(); view; view = this.#queue.shift()) {
      pipe.onData();
      pipe.out.write(view);
      pending = pipe.out.writableLength > 0;
    }
    if (pending) {
      this.#paused = true;
      this.#writing = true;
      // An empty write's callback comes after every write before it.
      pipe.out.write('', (err) => {
        this.#writing = false;
        if (err) return this.#endPipe(pipe, err);
        this.#paused = false;
        if (this.#finished || this.#failure) this.#settle(pipe);
        else this.#sock?.resume();
      });
      return false;
    }
    this.#settle(pipe);
    return !this.#finished && !this.#failure;
  }

  /** Ends the pipe once the body is over and `out` has taken every piece. */
  #settle(pipe: Pipe): void {
    if ((this.#finished || this.#failure) && !this.#writing) this.#endPipe(pipe);
  }

  #endPipe(pipe: Pipe, writeError?: Error): void {
    if (this.#pipe !== pipe) return;
    this.#pipe = undefined;
    this.#close();
    if (writeError) pipe.reject(writeError);
    else if (this.#failure === this.signal.reason && this.signal.aborted) pipe.reject(this.signal.reason);
    else pipe.resolve(this.#failure ? 'dropped' : 'ended');
  }

  #close(): void {
    this.#finished = this.#finished || !this.#failure;
    this.#sock?.destroy();
  }

  async *#iterate(): AsyncIterableIterator<Buffer> {
    try {
      for (;;) {
        const next = this.#queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (this.#failure) throw this.#failure;
        if (this.#finished) return;
        await new Promise<void>((wake) => {
          this.#wake = wake;
          if (this.#paused) {
            this.#paused = false;
            this.#sock?.resume();
          }
        });
        this.#wake = undefined;
      }
    } finally {
      this.#close();
    }
  }
}
