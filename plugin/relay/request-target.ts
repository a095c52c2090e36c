/**
 * A request-target as Go's net/url reads and writes it, for the relay: the
 * escaped path a client sent, the path it decodes to (which the filters judge
 * and the API server routes), and the escaped form kubectl proxy sends
 * upstream (url.URL.EscapedPath: the client's spelling when it is a valid
 * encoding, else Go's own, so a raw `#` goes out as %23).
 */

/** A request target split as Go's url.URL does. */
export interface Target {
  /** The escaped path as sent (url.URL.RawPath, or Path when they agree). */
  rawPath: string;
  /** The decoded path as text, for the filters' expressions and messages (invalid UTF-8 as U+FFFD, as Go's regexp reads it). */
  path: string;
  /** The decoded path's bytes, one char per byte (a Go string): what is escaped again when the raw form cannot be sent. */
  bytes: string;
  /** Everything after the first `?`, unchanged (url.URL.RawQuery). */
  rawQuery: string;
}

/** Splits a request-target; undefined when the path is not absolute or an escape is malformed (Go answers 400). */
export function parseTarget(url: string): Target | undefined {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  if (!rawPath.startsWith('/')) return undefined;
  const bytes = unescapePath(rawPath);
  if (bytes === undefined) return undefined;
  return { rawPath, path: textOf(bytes), bytes, rawQuery };
}

/** A Go string (one char per byte) read as UTF-8 text. */
export function textOf(bytes: string): string {
  return /^[\x00-\x7f]*$/.test(bytes) ? bytes : Buffer.from(bytes, 'latin1').toString('utf8');
}

/** UTF-8 text as a Go string (one char per byte). */
export function bytesOf(text: string): string {
  return /^[\x00-\x7f]*$/.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
}

const HEX = /^[0-9a-fA-F]{2}$/;

/** Go's url.unescape in path mode: %XX becomes that byte (any byte); a bad escape is an error; '+' stays. */
export function unescapePath(s: string): string | undefined {
  if (!s.includes('%')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c !== '%') {
      out += c;
      continue;
    }
    const hex = s.slice(i + 1, i + 3);
    if (!HEX.test(hex)) return undefined;
    out += String.fromCharCode(Number.parseInt(hex, 16));
    i += 2;
  }
  return out;
}

/** RFC 3986 sub-delims and the rest validEncoded lets through without asking shouldEscape. */
const VALID_AS_IS = new Set([...'!$&\'()*+,;=:@[]%']);

/** Go's shouldEscape(c, encodePath): everything but unreserved characters and $&+,/:;=@. */
function shouldEscape(code: number): boolean {
  const c = String.fromCharCode(code);
  if (/[A-Za-z0-9\-_.~]/.test(c)) return false;
  return !'$&+,/:;=@'.includes(c);
}

/** Go's validEncoded(s, encodePath): whether a raw path may be sent as it is. */
function validEncoded(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (!VALID_AS_IS.has(ch) && shouldEscape(raw.charCodeAt(i))) return false;
  }
  return true;
}

/** Go's url.escape(s, encodePath) of a Go string: %XX in upper case for every byte that needs it. */
export function escapePath(bytes: string): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const code = bytes.charCodeAt(i);
    out += shouldEscape(code) ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : (bytes[i] as string);
  }
  return out;
}

/**
 * url.URL.EscapedPath: the raw path when it is a valid encoding of the
 * decoded one, else Go's own escaping of the decoded bytes. kubectl proxy
 * sends this upstream, so `/a#b` goes out as `/a%23b` and `/a%2Fb#c` as
 * `/a/b%23c`.
 */
export function escapedPath(rawPath: string, bytes: string): string {
  if (validEncoded(rawPath) && unescapePath(rawPath) === bytes) return rawPath;
  return escapePath(bytes);
}
