import { goQuote } from './printers/go-value.ts';

/**
 * A string value in a klog structured line (klog's text format, writeStringValue):
 * quoted as Go's strconv.Quote when it fits on one line; otherwise `<`, each line
 * after a tab, and ` >` on a line of its own.
 */
export function klogValue(s: string): string {
  if (!s.includes('\n')) return goQuote(s);
  const lines = s.split('\n');
  const last = lines.pop() as string;
  const body = lines.map((l) => `\t${l}\n`).join('');
  return last === '' ? `<\n${body} >` : `<\n${body}\t${last}\n >`;
}

/**
 * klogValue of Go bytes converted to a string (client-go's logged bodies): bytes
 * that are no valid UTF-8 (a body cut at 1024 bytes mid-character) are quoted as
 * strconv.Quote quotes them, `\xe2`.
 */
export function klogBytesValue(b: Buffer): string {
  const text = b.toString('utf8');
  if (text.includes('\n') || !text.includes('\uFFFD')) return klogValue(text);
  let out = '"';
  for (let i = 0; i < b.length; ) {
    const n = validSequence(b, i);
    if (n === 0) {
      out += `\\x${(b[i] as number).toString(16).padStart(2, '0')}`;
      i++;
    } else {
      out += goQuote(b.toString('utf8', i, i + n)).slice(1, -1);
      i += n;
    }
  }
  return `${out}"`;
}

/** The length of the valid UTF-8 sequence at `i` (as Go's utf8.DecodeRune accepts it), or 0. */
function validSequence(b: Buffer, i: number): number {
  const c = b[i] as number;
  if (c < 0x80) return 1;
  const [n, lo, hi] = c >= 0xc2 && c <= 0xdf ? [2, 0x80, 0xbf] : c === 0xe0 ? [3, 0xa0, 0xbf] : c === 0xed ? [3, 0x80, 0x9f]
    : c >= 0xe1 && c <= 0xef ? [3, 0x80, 0xbf] : c === 0xf0 ? [4, 0x90, 0xbf] : c >= 0xf1 && c <= 0xf3 ? [4, 0x80, 0xbf] : c === 0xf4 ? [4, 0x80, 0x8f] : [0, 0, 0];
  if (n === 0 || i + n > b.length) return 0;
  const second = b[i + 1] as number;
  if (second < lo || second > hi) return 0;
  for (let k = 2; k < n; k++) if (((b[i + k] as number) & 0xc0) !== 0x80) return 0;
  return n;
}
