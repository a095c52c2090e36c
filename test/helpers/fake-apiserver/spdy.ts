// The server side of SPDY/3.1 framing, as much of it as Kubernetes'
// port-forward uses (the client is moby/spdystream under client-go's
// httpstream/spdy): SYN_STREAM in, SYN_REPLY out, DATA both ways with FIN as
// half-close, RST_STREAM, PING echoed, GOAWAY; SETTINGS and WINDOW_UPDATE are
// read and ignored, as spdystream does not do flow control either.
// Header blocks are one zlib stream per direction, primed with the SPDY/3
// dictionary. Ours is written with stored (uncompressed) deflate blocks: a
// valid zlib stream any inflater reads, with no compressor state to keep.
import { EventEmitter } from 'node:events';
import { constants, inflateSync } from 'node:zlib';

const CONTROL = 0x8000;
const VERSION = 3;
const TYPE = { synStream: 1, synReply: 2, rstStream: 3, settings: 4, ping: 6, goAway: 7, headers: 8, windowUpdate: 9 } as const;
const FLAG_FIN = 0x01;
/** RST_STREAM statuses (spdy/types.go). */
export const RST = { protocolError: 1, invalidStream: 2, refusedStream: 3, cancel: 5, internalError: 6 } as const;
/** How much of a DATA frame we send at once (the format allows 16 MiB). */
const MAX_DATA = 64 * 1024;

/** One SPDY stream opened by the client. */
export class SpdyStream extends EventEmitter<{ data: [Buffer]; end: []; reset: [number] }> {
  readonly id: number;
  /** The SYN_STREAM's headers, names lower-case (SPDY requires it), repeated values joined by NUL. */
  readonly headers: Readonly<Record<string, string>>;
  readonly #session: SpdySession;
  #ended = false;

  constructor(session: SpdySession, id: number, headers: Record<string, string>) {
    super();
    this.#session = session;
    this.id = id;
    this.headers = headers;
    // A stream the client reset takes no more frames from us.
    this.once('reset', () => (this.#ended = true));
  }

  /** Sends bytes as DATA frames. */
  write(data: Buffer): void {
    for (let at = 0; at < data.length; at += MAX_DATA) this.#session.sendData(this.id, data.subarray(at, at + MAX_DATA), false);
  }

  /** Half-closes our side: an empty DATA frame with FIN. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#session.sendData(this.id, Buffer.alloc(0), true);
  }

  reset(status: number = RST.cancel): void {
    this.#ended = true;
    this.#session.sendReset(this.id, status);
  }
}

/** A SPDY/3.1 server session over any byte stream: feed it with receive(), it writes through `send`. */
export class SpdySession extends EventEmitter<{ stream: [SpdyStream]; goaway: [] }> {
  readonly #send: (bytes: Buffer) => void;
  readonly #streams = new Map<number, SpdyStream>();
  #buffered: Buffer = Buffer.alloc(0);
  #inflated = 0;
  #compressedIn: Buffer = Buffer.alloc(0);
  #headerStreamStarted = false;

  constructor(send: (bytes: Buffer) => void) {
    super();
    this.#send = send;
  }

  /** Bytes from the client, in any slicing (the WebSocket tunnel splits frames at random). */
  receive(bytes: Buffer): void {
    this.#buffered = this.#buffered.length === 0 ? bytes : Buffer.concat([this.#buffered, bytes]);
    while (this.#buffered.length >= 8) {
      const length = this.#buffered.readUInt32BE(4) & 0xffffff;
      if (this.#buffered.length < 8 + length) return;
      const frame = this.#buffered.subarray(0, 8 + length);
      this.#buffered = this.#buffered.subarray(8 + length);
      this.#frame(frame);
    }
  }

  /** One DATA frame; FIN half-closes the stream. */
  sendData(id: number, data: Buffer, fin: boolean): void {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(id & 0x7fffffff, 0);
    head.writeUInt32BE(((fin ? FLAG_FIN : 0) << 24) | data.length, 4);
    this.#send(Buffer.concat([head, data]));
  }

  /** RST_STREAM: the stream ends at once, both ways. */
  sendReset(id: number, status: number): void {
    const body = Buffer.alloc(8);
    body.writeUInt32BE(id & 0x7fffffff, 0);
    body.writeUInt32BE(status, 4);
    this.#send(control(TYPE.rstStream, 0, body));
    this.#streams.delete(id);
  }

  /** Accepts a stream: SYN_REPLY with no headers (httpstream/spdy's newSpdyStream). */
  reply(stream: SpdyStream): void {
    const id = Buffer.alloc(4);
    id.writeUInt32BE(stream.id, 0);
    this.#send(control(TYPE.synReply, 0, Buffer.concat([id, this.#headerBlock({})])));
  }

  #frame(frame: Buffer): void {
    const first = frame.readUInt32BE(0);
    const flags = frame[4] as number;
    const body = frame.subarray(8);
    if ((first & 0x80000000) === 0) return this.#data(first & 0x7fffffff, flags, body);
    const type = first & 0xffff;
    if (type === TYPE.synStream) this.#synStream(flags, body);
    else if (type === TYPE.rstStream) this.#reset(body.readUInt32BE(0) & 0x7fffffff, body.readUInt32BE(4));
    // spdystream answers a PING from the other side by sending it back unchanged.
    else if (type === TYPE.ping) this.#send(frame);
    else if (type === TYPE.goAway) this.emit('goaway');
    // SETTINGS, WINDOW_UPDATE, HEADERS: nothing port-forward needs.
  }

  #reset(id: number, status: number): void {
    const stream = this.#streams.get(id);
    if (!stream) return;
    this.#streams.delete(id);
    stream.emit('reset', status);
  }

  #synStream(flags: number, body: Buffer): void {
    const id = body.readUInt32BE(0) & 0x7fffffff;
    const stream = new SpdyStream(this, id, this.#readHeaders(body.subarray(10)));
    this.#streams.set(id, stream);
    this.emit('stream', stream);
    if (flags & FLAG_FIN) stream.emit('end');
  }

  #data(id: number, flags: number, body: Buffer): void {
    const stream = this.#streams.get(id);
    if (!stream) return;
    if (body.length > 0) stream.emit('data', Buffer.from(body));
    if (flags & FLAG_FIN) stream.emit('end');
  }

  /**
   * Decodes one compressed header block. The blocks form one zlib stream, each
   * ending on a sync flush; inflating everything received so far and keeping
   * the new output is quadratic, but a port-forward session has a few blocks.
   */
  #readHeaders(block: Buffer): Record<string, string> {
    this.#compressedIn = Buffer.concat([this.#compressedIn, block]);
    const all = inflateSync(this.#compressedIn, { dictionary: DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH });
    const raw = all.subarray(this.#inflated);
    this.#inflated = all.length;
    const headers: Record<string, string> = {};
    let at = 4;
    for (let n = raw.readUInt32BE(0); n > 0; n--) {
      const nameLength = raw.readUInt32BE(at);
      const name = raw.toString('latin1', at + 4, at + 4 + nameLength);
      at += 4 + nameLength;
      const valueLength = raw.readUInt32BE(at);
      headers[name] = raw.toString('latin1', at + 4, at + 4 + valueLength);
      at += 4 + valueLength;
    }
    return headers;
  }

  /** Encodes a header block as the next piece of our zlib stream: one stored deflate block. */
  #headerBlock(headers: Record<string, string>): Buffer {
    const parts: Buffer[] = [u32(Object.keys(headers).length)];
    for (const [name, value] of Object.entries(headers)) parts.push(u32(name.length), Buffer.from(name, 'latin1'), u32(value.length), Buffer.from(value, 'latin1'));
    const raw = Buffer.concat(parts);
    // The first block opens the zlib stream: CMF 0x78, FLG 0x20 (FDICT), the dictionary's Adler-32.
    const open = this.#headerStreamStarted ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x78, 0x20]), u32(adler32(DICTIONARY))]);
    this.#headerStreamStarted = true;
    // Then the block, and the empty stored block a sync flush ends with: Go's inflater hands
    // a stored block's bytes over only when the next block begins.
    return Buffer.concat([open, storedBlock(raw), storedBlock(Buffer.alloc(0))]);
  }
}

function control(type: number, flags: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(CONTROL | VERSION, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE((flags << 24) | body.length, 4);
  return Buffer.concat([head, body]);
}

/** A non-final stored (uncompressed) deflate block: header byte 0, LEN, NLEN (little-endian), the bytes. */
function storedBlock(raw: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt16LE(raw.length, 1);
  head.writeUInt16LE(~raw.length & 0xffff, 3);
  return Buffer.concat([head, raw]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** The SPDY/3 header dictionary (draft-mbelshe-httpbis-spdy-00 §2.6.10.1): length-prefixed names, then raw text. */
const DICTIONARY = Buffer.concat([
  ...[
    'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding', 'accept-language',
    'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection', 'content-base', 'content-encoding',
    'content-language', 'content-length', 'content-location', 'content-md5', 'content-range', 'content-type', 'date', 'etag',
    'expect', 'expires', 'from', 'host', 'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since',
    'last-modified', 'location', 'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer',
    'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via', 'warning',
    'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url', 'public', 'set-cookie', 'keep-alive', 'origin',
  ].flatMap((w) => [u32(w.length), Buffer.from(w, 'latin1')]),
  Buffer.from(
    '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
      '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized' +
      '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
      'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
      'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,text/javascript,' +
      'publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.',
    'latin1',
  ),
]);
