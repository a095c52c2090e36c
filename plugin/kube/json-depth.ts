/**
 * Go's encoding/json refuses JSON nested more than 10,000 levels deep
 * (scanner.go maxNestingDepth); client-go decodes every answer with it, so
 * kubectl fails there with "invalid character '{' exceeded max depth" (the
 * bracket that went one level too far). JSON.parse reads any depth, so the
 * text is checked first.
 */

/** encoding/json's limit: objects and arrays, the outermost counted as 1. */
export const GO_MAX_JSON_DEPTH = 10_000;

/** Go's error for the first bracket past `max` levels in JSON text, or undefined; the text is taken to be valid JSON. */
export function jsonDepthError(text: string, max = GO_MAX_JSON_DEPTH): string | undefined {
  // Every level takes an opening and a closing bracket: shorter text cannot be too deep.
  if (text.length <= 2 * max) return undefined;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) i = stringEnd(text, i);
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return depthError(c);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}

/** The index of the quote that closes the string opening at `open`. */
function stringEnd(text: string, open: number): number {
  let i = open;
  for (;;) {
    i = text.indexOf('"', i + 1);
    if (i < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(i - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return i;
  }
}

export function depthError(bracket: number): string {
  return `invalid character '${bracket === 0x7b ? '{' : '['}' exceeded max depth`;
}
