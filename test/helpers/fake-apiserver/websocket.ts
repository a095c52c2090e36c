// The server end of a WebSocket (RFC 6455), as much of it as Kubernetes'
// streaming protocols use: binary messages (gorilla/websocket fragments large
// ones), ping → pong (client-go's exec heartbeat pings every 5 s and gives up
// after 61 s without a pong), and the closing handshake.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;
/** Normal closure: client-go reads it as the end of every stream (io.EOF), not an error. */
export const CLOSE_NORMAL = 1000;

/** One accepted WebSocket connection. */
export interface WebSocketConn {
  /** The subprotocol both sides agreed on. */
  protocol: string;
  /** Sends one binary message. */
  send(data: Buffer): void;
  /** Sends a close frame, then ends the connection once the peer answers (or after a grace period). */
  close(code?: number): void;
  onMessage(listener: (data: Buffer) => void): void;
  /** Called once, however the connection ended. */
  onClose(listener: () => void): void;
}

/** Whether a request asks to become a WebSocket. */
export function isWebSocketRequest(req: IncomingMessage): boolean {
  return String(req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

/** The subprotocols a client offers, in its order of preference. */
export function offeredProtocols(req: IncomingMessage): string[] {
  const raw = req.headers['sec-websocket-protocol'];
  const all = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  return all.split(',').map((p) => p.trim()).filter((p) => p !== '');
}

/**
 * Completes the opening handshake with `protocol` (the 101 answer) and
 * returns the connection; `head` holds bytes that arrived with the request.
 */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string): WebSocketConn {
  const key = String(req.headers['sec-websocket-key'] ?? '');
  const accept = createHash('sha1').update(key + ACCEPT_GUID).digest('base64');
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
  );
  return new ServerConn(socket, head, protocol);
}

class ServerConn implements WebSocketConn {
  readonly protocol: string;
  readonly #socket: Duplex;
  #buffered: Buffer = Buffer.alloc(0);
  #fragments: Buffer[] = [];
  #messageListeners: Array<(data: Buffer) => void> = [];
  #closeListeners: Array<() => void> = [];
  #closeSent = false;
  #closed = false;

  constructor(socket: Duplex, head: Buffer, protocol: string) {
    this.protocol = protocol;
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    // The server's connections are half-open capable: a peer that hangs up without a close frame is answered in kind.
    socket.on('end', () => socket.end());
    socket.on('error', () => socket.destroy());
    socket.once('close', () => this.#ended());
    if (head.length > 0) queueMicrotask(() => this.#receive(head));
  }

  send(data: Buffer): void {
    if (!this.#closeSent && !this.#socket.destroyed) this.#socket.write(frame(OP.binary, data));
  }

  close(code = CLOSE_NORMAL): void {
    if (this.#closeSent) return;
    this.#closeSent = true;
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code);
    if (!this.#socket.destroyed) this.#socket.write(frame(OP.close, payload));
    // The client answers with its own close frame and hangs up; do not wait forever.
    setTimeout(() => this.#socket.destroy(), 2000).unref();
  }

  onMessage(listener: (data: Buffer) => void): void {
    this.#messageListeners.push(listener);
  }

  onClose(listener: () => void): void {
    this.#closeListeners.push(listener);
  }

  #ended(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const l of this.#closeListeners) l();
  }

  #receive(chunk: Buffer): void {
    this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
    for (;;) {
      const f = parseFrame(this.#buffered);
      if (!f) return;
      this.#buffered = this.#buffered.subarray(f.size);
      this.#handle(f.fin, f.opcode, f.payload);
    }
  }

  #handle(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode === OP.ping) {
      if (!this.#closeSent) this.#socket.write(frame(OP.pong, payload));
      return;
    }
    if (opcode === OP.pong) return;
    if (opcode === OP.close) {
      const code = payload.length >= 2 ? payload.readUInt16BE(0) : CLOSE_NORMAL;
      if (!this.#closeSent) this.close(code);
      this.#socket.end();
      return;
    }
    this.#fragments.push(payload);
    if (!fin) return;
    const message = this.#fragments.length === 1 ? (this.#fragments[0] as Buffer) : Buffer.concat(this.#fragments);
    this.#fragments = [];
    for (const l of this.#messageListeners) l(message);
  }
}

interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
  /** Bytes the frame took on the wire. */
  size: number;
}

/** One complete frame at the start of `buf`, unmasked; undefined until all of it has arrived. */
function parseFrame(buf: Buffer): Frame | undefined {
  if (buf.length < 2) return undefined;
  const b0 = buf[0] as number;
  const b1 = buf[1] as number;
  let len = b1 & 0x7f;
  let at = 2;
  if (len === 126) {
    if (buf.length < 4) return undefined;
    len = buf.readUInt16BE(2);
    at = 4;
  } else if (len === 127) {
    if (buf.length < 10) return undefined;
    len = Number(buf.readBigUInt64BE(2));
    at = 10;
  }
  const masked = (b1 & 0x80) !== 0;
  const maskAt = at;
  if (masked) at += 4;
  if (buf.length < at + len) return undefined;
  const payload = Buffer.from(buf.subarray(at, at + len));
  if (masked) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (buf[maskAt + (i % 4)] as number);
  return { fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, payload, size: at + len };
}

/** A final, unmasked frame (a server never masks). */
function frame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  let head: Buffer;
  if (n < 126) head = Buffer.from([0x80 | opcode, n]);
  else if (n < 0x10000) {
    head = Buffer.from([0x80 | opcode, 126, 0, 0]);
    head.writeUInt16BE(n, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([head, payload]);
}
