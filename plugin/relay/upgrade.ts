import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Transport } from '../transport/dispatcher.ts';
import type { Exchange } from './access-log.ts';
import { proxyErrorText, type ForwardContext } from './forward.ts';
import { upgradeHead, upstreamHeaders } from './headers.ts';
import { goError, klogLine, sendReply } from './responses.ts';

/** Options of the relay of upgraded connections. */
export interface UpgradeOptions {
  /** --keepalive: TCP keep-alive period of the upstream connection in ms (0: the transport's default). */
  keepaliveMs: number;
  /** Called once the tunnel (or the refused answer) is over. */
  onClose(): void;
}

/**
 * Relays an upgrade request (SPDY/3.1 or WebSocket: exec, attach,
 * port-forward) as kubectl proxy's UpgradeAwareHandler does: the request
 * goes upstream with the relay's credentials, the API server's answer comes
 * back, and after a 101 the two connections are joined and bytes flow
 * unchanged both ways until either side closes. A refusal (403, 404…) is
 * passed back as an ordinary answer and the connection closed.
 */
export async function relayUpgrade(fc: ForwardContext, req: IncomingMessage, socket: Duplex, head: Buffer, path: string, x: Exchange, opts: UpgradeOptions): Promise<void> {
  let t: Transport;
  let headers: string[];
  try {
    const ready = await fc.upstream.prepare();
    t = ready.transport;
    headers = upstreamHeaders(req, ready.credentials, fc.identity);
  } catch (err) {
    return failUpgrade(fc, socket, x, err, opts);
  }
  if (socket.destroyed) {
    fc.upstream.release(t, true);
    return opts.onClose();
  }
  const protocol = String(req.headers.upgrade ?? '');
  fc.klog.info(6, 'upgrade.ts', `${x.method} ${fc.upstream.display}${path} upgrade: ${protocol}`);
  t.dispatcher.dispatch(
    { method: x.method, path, headers, upgrade: protocol, body: null, headersTimeout: 0, bodyTimeout: 0 },
    new UpgradeRelay(fc, socket, head, x, t, opts),
  );
}

function failUpgrade(fc: ForwardContext, socket: Duplex, x: Exchange, err: unknown, opts: UpgradeOptions): void {
  const text = proxyErrorText(err, fc.upstream);
  fc.errOut.write(klogLine('E', fc.pid, fc.now(), 'proxy_server.ts', `Error while proxying request: ${text}`));
  x.status = 500;
  if (!socket.destroyed) x.bytes = sendReply(socket, goError(500, text), x.method);
  opts.onClose();
}

class UpgradeRelay implements Dispatcher.DispatchHandler {
  readonly #fc: ForwardContext;
  readonly #socket: Duplex;
  readonly #head: Buffer;
  readonly #x: Exchange;
  readonly #t: Transport;
  readonly #opts: UpgradeOptions;
  #answered = false;

  constructor(fc: ForwardContext, socket: Duplex, head: Buffer, x: Exchange, t: Transport, opts: UpgradeOptions) {
    this.#fc = fc;
    this.#socket = socket;
    this.#head = head;
    this.#x = x;
    this.#t = t;
    this.#opts = opts;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#socket.once('close', () => {
      if (!this.#answered) controller.abort(new Error('the client went away'));
    });
  }

  onRequestUpgrade(controller: Dispatcher.DispatchController, status: number, headers: Record<string, string | string[] | undefined>, upSocket: Duplex): void {
    this.#answered = true;
    this.#x.status = status;
    // The connection now belongs to the tunnel; the transport opens a new one for its next request.
    this.#fc.upstream.release(this.#t, true);
    const client = this.#socket;
    if (client.destroyed) {
      upSocket.destroy();
      return this.#opts.onClose();
    }
    // kubectl applies --keepalive to its upgrade dialer only; so does the relay. Its help says 0
    // disables keep-alive, but Go's net.Dialer takes 0 as "the default period": 0 keeps the default.
    const keepalive = this.#opts.keepaliveMs;
    const setKeepAlive = (upSocket as { setKeepAlive?: (on: boolean, ms: number) => void }).setKeepAlive;
    if (keepalive > 0 && setKeepAlive) setKeepAlive.call(upSocket, true, keepalive);
    const raw = (controller as { rawHeaders?: Buffer[] }).rawHeaders;
    client.write(upgradeHead(status, STATUS_CODES[status] ?? 'Switching Protocols', raw, headers));
    if (this.#head.length > 0) upSocket.write(this.#head);
    tunnel(client, upSocket, (n) => (this.#x.bytes += n), this.#opts.onClose);
  }

  onResponseStart(_c: Dispatcher.DispatchController, status: number, headers: Record<string, string | string[] | undefined>): void {
    // Not upgraded: pass the answer on, its end delimited by closing the connection.
    this.#answered = true;
    this.#x.status = status;
    const kept = Object.fromEntries(Object.entries(headers).filter(([k]) => !['connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(k)));
    this.#socket.write(upgradeHead(status, STATUS_CODES[status] ?? '', undefined, { ...kept, connection: 'close' }));
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#x.bytes += chunk.length;
    if (!this.#socket.write(chunk)) {
      controller.pause();
      this.#socket.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    this.#fc.upstream.release(this.#t, true);
    this.#socket.end();
    this.#opts.onClose();
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.#fc.upstream.release(this.#t, false);
    if (this.#answered || this.#socket.destroyed) {
      this.#socket.destroy();
      return this.#opts.onClose();
    }
    failUpgrade(this.#fc, this.#socket, this.#x, err, this.#opts);
  }
}

/** How long a tunnel's surviving side may take to flush its end before it is closed. */
const FLUSH_GRACE_MS = 1000;

/**
 * Joins two connections. Bytes are piped unchanged; when one side has
 * closed, the other is ended once what it was sent has been flushed, then
 * closed (Go's proxy closes both when either copy finishes). An error on
 * either side tears both down at once.
 */
export function tunnel(client: Duplex, upstream: Duplex, countDown: (n: number) => void, onClose: () => void): void {
  upstream.on('data', (c: Buffer) => countDown(c.length));
  client.pipe(upstream);
  upstream.pipe(client);
  let closed = 0;
  const finish = (other: Duplex) => () => {
    if (!other.destroyed) {
      other.end();
      other.once('finish', () => other.destroy());
      // A peer that no longer reads (kubectl gone after an exec was cut) never lets the end flush:
      // the connection is closed anyway, as Go's proxy closes both, and no longer counted as open.
      const late = setTimeout(() => other.destroy(), FLUSH_GRACE_MS);
      late.unref();
      other.once('close', () => clearTimeout(late));
    }
    if (++closed === 2) onClose();
  };
  client.once('close', finish(upstream));
  upstream.once('close', finish(client));
  const destroyBoth = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', destroyBoth);
  upstream.on('error', destroyBoth);
}
