// HTTP/1.1 response framing for the direct log reader: the head, then a body
// framed by Transfer-Encoding: chunked, Content-Length, or the connection's end.
// Works on whatever pieces the socket delivers; body bytes come out as views.

const CR = 0x0d;
const NL = 0x0a;

export interface ResponseHead {
  status: number;
  headers: Record<string, string>;
}

/** Collects the status line and headers (they may span reads); returns the head and where the body starts. */
export class HeadParser {
  #bytes: Buffer = Buffer.alloc(0);

  /** Feeds bytes; once the blank line is seen, returns the head and the rest of this piece. */
  push(piece: Buffer): { head: ResponseHead; rest: Buffer } | undefined {
    const start = Math.max(0, this.#bytes.length - 3);
    this.#bytes = Buffer.concat([this.#bytes, piece]);
    // Like Go's and undici's parsers: a peer that does not begin "HTTP/" is not speaking HTTP, whether or not it ever sends a blank line.
    if (!'HTTP/'.startsWith(this.#bytes.toString('latin1', 0, Math.min(5, this.#bytes.length)))) throw malformed();
    const end = this.#bytes.indexOf('\r\n\r\n', start);
    if (end === -1) {
      if (this.#bytes.length > 1 << 20) throw malformed();
      return undefined;
    }
    const head = parseHead(this.#bytes.toString('latin1', 0, end));
    const consumedFromPiece = end + 4 - (this.#bytes.length - piece.length);
    return { head, rest: piece.subarray(consumedFromPiece) };
  }
}

function malformed(): Error {
  return Object.assign(new Error('malformed HTTP response'), { code: 'HPE_INVALID_CONSTANT' });
}

function parseHead(text: string): ResponseHead {
  const [statusLine = '', ...lines] = text.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!m) throw malformed();
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed();
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    // A repeated field is one list (RFC 9110 5.3): the apiserver sends one Warning header per warning.
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { status: Number(m[1]), headers };
}

/** Decodes a body from successive pieces into views of those pieces. */
export interface BodyDecoder {
  /** The body bytes in `piece`, in order (views into it). */
  push(piece: Buffer): Buffer[];
  /** The body is complete (further bytes are not part of it). */
  done(): boolean;
  /** Whether the connection closing now ends the body cleanly. */
  endsAtClose(): boolean;
}

export function bodyDecoder(head: ResponseHead): BodyDecoder {
  if (/\bchunked\b/i.test(head.headers['transfer-encoding'] ?? '')) return new ChunkedDecoder();
  const length = head.headers['content-length'];
  if (length !== undefined) {
    // Go's net/http refuses a Content-Length that is not plain decimal digits ("bad Content-Length").
    if (!/^\d+$/.test(length)) throw malformed();
    return new LengthDecoder(Number(length));
  }
  return { push: (piece) => (piece.length > 0 ? [piece] : []), done: () => false, endsAtClose: () => true };
}

class LengthDecoder implements BodyDecoder {
  #left: number;
  constructor(length: number) {
    this.#left = length;
  }
  push(piece: Buffer): Buffer[] {
    const take = Math.min(this.#left, piece.length);
    this.#left -= take;
    return take > 0 ? [piece.subarray(0, take)] : [];
  }
  done(): boolean {
    return this.#left === 0;
  }
  endsAtClose(): boolean {
    return this.#left === 0;
  }
}

type ChunkState = 'size' | 'data' | 'data-end' | 'trailer' | 'done';

/** Transfer-Encoding: chunked (RFC 9112 §7.1), extensions and trailers skipped. */
class ChunkedDecoder implements BodyDecoder {
  #state: ChunkState = 'size';
  #line = '';
  #left = 0;

  push(piece: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let i = 0;
    while (i < piece.length && this.#state !== 'done') {
      if (this.#state === 'data') {
        const take = Math.min(this.#left, piece.length - i);
        out.push(piece.subarray(i, i + take));
        i += take;
        this.#left -= take;
        if (this.#left === 0) this.#state = 'data-end';
        continue;
      }
      const nl = piece.indexOf(NL, i);
      const upto = nl === -1 ? piece.length : nl;
      this.#line += piece.toString('latin1', i, upto);
      i = nl === -1 ? piece.length : nl + 1;
      if (nl !== -1) this.#endOfLine(this.#line.charCodeAt(this.#line.length - 1) === CR ? this.#line.slice(0, -1) : this.#line);
    }
    return out;
  }

  #endOfLine(line: string): void {
    this.#line = '';
    if (this.#state === 'data-end') {
      if (line !== '') throw malformed();
      this.#state = 'size';
    } else if (this.#state === 'size') {
      // Go's readChunkLine/parseHexUint: 1 to 16 hex digits, then an optional ;extension; nothing else.
      const digits = line.replace(/[ \t]+$/, '').split(';')[0] ?? '';
      if (!/^[0-9a-fA-F]{1,16}$/.test(digits)) throw malformed();
      const size = Number.parseInt(digits, 16);
      this.#left = size;
      this.#state = size === 0 ? 'trailer' : 'data';
    } else if (this.#state === 'trailer' && line === '') {
      this.#state = 'done';
    }
  }

  done(): boolean {
    return this.#state === 'done';
  }

  endsAtClose(): boolean {
    return this.#state === 'done';
  }
}
