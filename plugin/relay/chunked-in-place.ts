/**
 * Transfer-Encoding: chunked, decoded a socket read at a time in place: the
 * read's body bytes are moved together over the framing between them, and
 * come out as one view of the read, with nothing allocated. (The direct log
 * reader's decoder, kube/logs/chunked.ts, reads into one reused buffer and
 * must not write to it; the relay's reads are its own.) The framing is read
 * byte by byte, without a string per chunk line: a log of 1 KiB lines has
 * 64 chunk lines per 64 KiB. Go's rules (net/http/internal
 * chunked.go): a size line is 1 to 16 hex digits, then either a `;extension`
 * or trailing blanks, ended by CRLF or a bare LF; the data is followed by
 * exactly CRLF; trailers are skipped up to the empty line.
 */
import type { BodyDecoder } from '../kube/logs/chunked.ts';

const LF = 0x0a;
const CR = 0x0d;

/** Where in the framing the decoder is (plain numbers: the switch below runs per framing byte). */
const State = { Size: 0, SizeTail: 1, Data: 2, DataCR: 3, DataLF: 4, TrailerStart: 5, Trailer: 6, Done: 7 } as const;
type State = (typeof State)[keyof typeof State];

function malformed(): Error {
  return Object.assign(new Error('malformed HTTP response'), { code: 'HPE_INVALID_CHUNK_SIZE' });
}

/** A hex digit's value, or -1. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

export class ChunkedInPlace implements BodyDecoder {
  #state: State = State.Size;
  #size = 0;
  #digits = 0;
  #left = 0;
  /** After the digits: nothing yet, trailing blanks (only blanks may follow), or an extension (anything may). */
  #tail: 'none' | 'blanks' | 'extension' = 'none';

  /** The body bytes of `piece`, moved to its start (it is overwritten), as one view (none: an empty list). */
  push(piece: Buffer): Buffer[] {
    // The write position never passes the read position: copy() moves overlapping bytes safely.
    let o = 0;
    let i = 0;
    const n = piece.length;
    while (i < n && this.#state !== State.Done) {
      if (this.#state === State.Data) {
        const take = Math.min(this.#left, n - i);
        if (o !== i) piece.copy(piece, o, i, i + take);
        o += take;
        i += take;
        this.#left -= take;
        if (this.#left === 0) this.#state = State.DataCR;
        continue;
      }
      this.#frame(piece[i++] as number);
    }
    return o === 0 ? [] : [piece.subarray(0, o)];
  }

  /** One byte of the framing. */
  #frame(c: number): void {
    switch (this.#state) {
      case State.Size: {
        const h = hexValue(c);
        if (h >= 0) {
          if (++this.#digits > 16) throw malformed();
          this.#size = this.#size * 16 + h;
          return;
        }
        if (this.#digits === 0) throw malformed();
        this.#state = State.SizeTail;
        return this.#frame(c);
      }
      case State.SizeTail:
        if (c === LF) return this.#sized();
        if (this.#tail === 'extension' || c === CR) return;
        if (c === 0x20 || c === 0x09) this.#tail = 'blanks';
        else if (c === 0x3b && this.#tail === 'none') this.#tail = 'extension';
        else throw malformed();
        return;
      case State.DataCR:
        if (c !== CR) throw malformed();
        this.#state = State.DataLF;
        return;
      case State.DataLF:
        if (c !== LF) throw malformed();
        this.#state = State.Size;
        return;
      case State.TrailerStart:
        if (c === LF) this.#state = State.Done;
        else if (c !== CR) this.#state = State.Trailer;
        return;
      case State.Trailer:
        if (c === LF) this.#state = State.TrailerStart;
        return;
    }
  }

  #sized(): void {
    this.#left = this.#size;
    this.#state = this.#size === 0 ? State.TrailerStart : State.Data;
    this.#size = 0;
    this.#digits = 0;
    this.#tail = 'none';
  }

  done(): boolean {
    return this.#state === State.Done;
  }

  endsAtClose(): boolean {
    return this.#state === State.Done;
  }
}
