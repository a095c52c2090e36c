/**
 * An HTTP/1.x response head as Go's http.ReadResponse reads it: the status
 * line, then header lines (every value of a name kept, in order), ended by
 * an empty line; CRLF or bare LF line ends. What Go refuses is an error with
 * an llhttp-style code, which the relay words as Go's "malformed HTTP
 * response" (transport/connect-error.ts).
 */
import type { DistinctHeaders } from './engine.ts';

/** Response header limit, as the undici transport's (dispatcher.ts). */
const MAX_HEAD_BYTES = 1 << 20;

/** RFC 9110 token characters: what a header name may be made of. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export interface ParsedHead {
  status: number;
  headers: DistinctHeaders;
  /** The server closes the connection after this answer (Connection: close, or HTTP/1.0 without keep-alive). */
  close: boolean;
}

function malformed(code = 'HPE_INVALID_CONSTANT'): Error {
  return Object.assign(new Error('malformed HTTP response'), { code });
}

/** Where the head ends in `buf` (the index just past its empty line), or -1. */
function headEnd(buf: Buffer): number {
  for (let i = buf.indexOf(0x0a); i >= 0; i = buf.indexOf(0x0a, i + 1)) {
    if (buf[i + 1] === 0x0a) return i + 2;
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

/**
 * Parses the head at the start of `buf`: undefined while it is incomplete,
 * else the head and the bytes after it. Throws for what is not HTTP.
 */
export function parseResponseHead(buf: Buffer): { head: ParsedHead; rest: Buffer } | undefined {
  // A peer whose first bytes are not "HTTP/" is not speaking HTTP, whether or not a blank line ever comes.
  if (!'HTTP/'.startsWith(buf.toString('latin1', 0, Math.min(5, buf.length)))) throw malformed();
  const end = headEnd(buf);
  if (end < 0) {
    if (buf.length > MAX_HEAD_BYTES) throw malformed('HPE_HEADER_OVERFLOW');
    return undefined;
  }
  const lines = buf.toString('latin1', 0, end).split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const status = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0] ?? '');
  if (!status) throw malformed();
  const headers: DistinctHeaders = {};
  for (const line of lines.slice(1)) {
    if (line === '') break;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name)) throw malformed('HPE_INVALID_HEADER_TOKEN');
    (headers[name.toLowerCase()] ??= []).push(line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, ''));
  }
  const connection = (headers['connection'] ?? []).join(',').toLowerCase().split(',').map((t) => t.trim());
  const close = connection.includes('close') || (status[1] === '0' && !connection.includes('keep-alive'));
  return { head: { status: Number(status[2]), headers, close }, rest: buf.subarray(end) };
}
