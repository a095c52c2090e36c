/**
 * Scalar analysis and style choice of go-yaml v2's emitter
 * (sigs.k8s.io/yaml@v1.4.0 goyaml.v2/emitterc.go yaml_emitter_analyze_scalar,
 * yaml_emitter_select_scalar_style), working on UTF-8 bytes as libyaml does.
 */

export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal';

export interface ScalarAnalysis {
  multiline: boolean;
  flowPlainAllowed: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

// ASCII text with no spaces, breaks or indicator characters analyses as allowed in every style.
const SIMPLE = /^[A-Za-z0-9_/][A-Za-z0-9_./-]*$/;

/** True when analyzeScalar would allow every style and find no line break: the common case, decided without bytes. */
export function isSimpleScalar(value: string): boolean {
  return SIMPLE.test(value);
}

/** Byte length of the UTF-8 sequence that starts with b. */
export function width(b: number): number {
  if ((b & 0x80) === 0) return 1;
  if ((b & 0xe0) === 0xc0) return 2;
  if ((b & 0xf0) === 0xe0) return 3;
  if ((b & 0xf8) === 0xf0) return 4;
  return 0;
}

export function isSpace(b: Uint8Array, i: number): boolean {
  return b[i] === 0x20;
}

export function isBlank(b: Uint8Array, i: number): boolean {
  return b[i] === 0x20 || b[i] === 0x09;
}

export function isBreak(b: Uint8Array, i: number): boolean {
  const c = b[i];
  return c === 0x0d || c === 0x0a || (c === 0xc2 && b[i + 1] === 0x85) ||
    (c === 0xe2 && b[i + 1] === 0x80 && (b[i + 2] === 0xa8 || b[i + 2] === 0xa9));
}

function isBlankz(b: Uint8Array, i: number): boolean {
  return isBlank(b, i) || isBreak(b, i) || b[i] === 0 || i >= b.length;
}

export function isPrintable(b: Uint8Array, i: number): boolean {
  const c = b[i] as number;
  const d = b[i + 1] ?? 0;
  return c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c === 0xc2 && d >= 0xa0) || (c > 0xc2 && c < 0xed) ||
    (c === 0xed && d < 0xa0) || c === 0xee ||
    (c === 0xef && !(d === 0xbb && b[i + 2] === 0xbf) && !(d === 0xbf && (b[i + 2] === 0xbe || b[i + 2] === 0xbf)));
}

/** libyaml's is_bom looks at the value's first bytes whatever i is; kept, as it changes quoting. */
export function startsWithBom(b: Uint8Array): boolean {
  return b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

interface Flags {
  blockIndicators: boolean;
  flowIndicators: boolean;
  lineBreaks: boolean;
  special: boolean;
  leadingSpace: boolean;
  leadingBreak: boolean;
  trailingSpace: boolean;
  trailingBreak: boolean;
  breakSpace: boolean;
  spaceBreak: boolean;
}

/** yaml_emitter_analyze_scalar. */
export function analyzeScalar(v: Uint8Array): ScalarAnalysis {
  if (v.length === 0) {
    return { multiline: false, flowPlainAllowed: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  }
  const f: Flags = {
    blockIndicators: false, flowIndicators: false, lineBreaks: false, special: false, leadingSpace: false,
    leadingBreak: false, trailingSpace: false, trailingBreak: false, breakSpace: false, spaceBreak: false,
  };
  if (v.length >= 3 && ((v[0] === 0x2d && v[1] === 0x2d && v[2] === 0x2d) || (v[0] === 0x2e && v[1] === 0x2e && v[2] === 0x2e))) {
    f.blockIndicators = true;
    f.flowIndicators = true;
  }
  scanIndicatorsAndSpaces(v, f);
  const a: ScalarAnalysis = { multiline: f.lineBreaks, flowPlainAllowed: true, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: true };
  if (f.leadingSpace || f.leadingBreak || f.trailingSpace || f.trailingBreak) a.flowPlainAllowed = a.blockPlainAllowed = false;
  if (f.trailingSpace) a.blockAllowed = false;
  if (f.breakSpace) a.flowPlainAllowed = a.blockPlainAllowed = a.singleQuotedAllowed = false;
  if (f.spaceBreak || f.special) a.flowPlainAllowed = a.blockPlainAllowed = a.singleQuotedAllowed = a.blockAllowed = false;
  if (f.lineBreaks) a.flowPlainAllowed = a.blockPlainAllowed = false;
  if (f.flowIndicators) a.flowPlainAllowed = false;
  if (f.blockIndicators) a.blockPlainAllowed = false;
  return a;
}

function scanIndicatorsAndSpaces(v: Uint8Array, f: Flags): void {
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  for (let i = 0, w = 0; i < v.length; i += w) {
    w = width(v[i] as number) || 1;
    const followedByWhitespace = i + w >= v.length || isBlank(v, i + w);
    markIndicator(v[i] as number, i === 0, precededByWhitespace, followedByWhitespace, f);
    // emitter.unicode is on, so only non-printable characters are special.
    if (!isPrintable(v, i)) f.special = true;
    if (isSpace(v, i)) {
      if (i === 0) f.leadingSpace = true;
      if (i + w === v.length) f.trailingSpace = true;
      if (previousBreak) f.breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(v, i)) {
      f.lineBreaks = true;
      if (i === 0) f.leadingBreak = true;
      if (i + w === v.length) f.trailingBreak = true;
      if (previousSpace) f.spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankz(v, i);
  }
}

const FIRST_INDICATORS = new Set('#,[]{}&*!|>\'"%@`'.split('').map((c) => c.charCodeAt(0)));
const FLOW_INDICATORS = new Set(',?[]{}'.split('').map((c) => c.charCodeAt(0)));

function markIndicator(c: number, first: boolean, preceded: boolean, followed: boolean, f: Flags): void {
  if (first) {
    if (FIRST_INDICATORS.has(c)) f.flowIndicators = f.blockIndicators = true;
    else if (c === 0x3f || c === 0x3a) {
      f.flowIndicators = true;
      if (followed) f.blockIndicators = true;
    } else if (c === 0x2d && followed) f.flowIndicators = f.blockIndicators = true;
    return;
  }
  if (FLOW_INDICATORS.has(c)) f.flowIndicators = true;
  else if (c === 0x3a) {
    f.flowIndicators = true;
    if (followed) f.blockIndicators = true;
  } else if (c === 0x23 && preceded) f.flowIndicators = f.blockIndicators = true;
}

/** yaml_emitter_select_scalar_style for untagged, implicit scalars. */
export function selectScalarStyle(requested: ScalarStyle, a: ScalarAnalysis, empty: boolean, flowLevel: number, simpleKey: boolean): ScalarStyle {
  let style = requested;
  if (simpleKey && a.multiline) style = 'double';
  if (style === 'plain') {
    if ((flowLevel > 0 && !a.flowPlainAllowed) || (flowLevel === 0 && !a.blockPlainAllowed)) style = 'single';
    if (empty && (flowLevel > 0 || simpleKey)) style = 'single';
  }
  if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
  if (style === 'literal' && (!a.blockAllowed || flowLevel > 0 || simpleKey)) style = 'double';
  return style;
}
