/**
 * Go's strconv.UnquoteChar, shared by the JSONPath parser (UnquoteExtend) and
 * the go-template lexer's string literals.
 */

const SIMPLE: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** Decodes the first (possibly escaped) character of s; undefined for Go's ErrSyntax. */
export function unquoteChar(s: string, quote: string): { value: string; consumed: number } | undefined {
  const c = s[0] as string;
  if (c === quote && (quote === "'" || quote === '"')) return undefined;
  if (c !== '\\') {
    const cp = s.codePointAt(0) as number;
    return { value: String.fromCodePoint(cp), consumed: cp > 0xffff ? 2 : 1 };
  }
  if (s.length <= 1) return undefined;
  const e = s[1] as string;
  const simple = SIMPLE[e];
  if (simple !== undefined) return { value: simple, consumed: 2 };
  if (e === "'" || e === '"') return e === quote ? { value: e, consumed: 2 } : undefined;
  if (e === 'x' || e === 'u' || e === 'U') return hexEscape(s, e);
  if (e >= '0' && e <= '7') {
    const oct = s.slice(1, 4);
    if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return undefined;
    const byte = parseInt(oct, 8);
    return { value: byte < 0x80 ? String.fromCharCode(byte) : '\uFFFD', consumed: 4 };
  }
  return undefined;
}

function hexEscape(s: string, e: string): { value: string; consumed: number } | undefined {
  const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
  const hex = s.slice(2, 2 + n);
  if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
  const v = parseInt(hex, 16);
  // \x is a byte in Go; a lone byte >= 0x80 would be invalid UTF-8, shown as U+FFFD once printed.
  if (e === 'x') return { value: v < 0x80 ? String.fromCharCode(v) : '\uFFFD', consumed: 2 + n };
  if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return undefined;
  return { value: String.fromCodePoint(v), consumed: 2 + n };
}

/** UnquoteExtend: strconv.Unquote that also takes single quotes; undefined for invalid syntax. */
export function unquoteExtend(s: string): string | undefined {
  if (s.length < 2) return undefined;
  const quote = s[0] as string;
  if (quote !== s[s.length - 1] || (quote !== '"' && quote !== "'")) return undefined;
  let body = s.slice(1, -1);
  if (!body.includes('\\') && !body.includes(quote)) return body;
  let out = '';
  while (body.length > 0) {
    const step = unquoteChar(body, quote);
    if (step === undefined) return undefined;
    out += step.value;
    body = body.slice(step.consumed);
  }
  return out;
}
