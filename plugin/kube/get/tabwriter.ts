/**
 * kubectl's column aligner: a port of github.com/liggitt/tabwriter
 * v0.0.0-20181228230101-89fcab3d43de (Go's text/tabwriter plus RememberWidths),
 * configured as cli-runtime printers.GetNewTabWriter does. Cells are
 * tab-terminated; a column's width is the widest cell of a run of lines that
 * have that column, plus padding; the text after a line's last tab is not part
 * of any column. Widths are counted in code points (Go's utf8.RuneCount).
 */

/** cli-runtime printers/tabwriter.go: minwidth 6, tabwidth 4, padding 3, pad with spaces, RememberWidths. */
export const KUBECTL_TABWRITER = { minwidth: 6, padding: 3, rememberWidths: true } as const;

/** The tabwriter settings kubectl uses (padding is spaces; tabwidth matters only for tab padding). */
export interface TabWriterOptions {
  minwidth: number;
  padding: number;
  rememberWidths: boolean;
}

/** One buffered line: its cells, and their widths once measured. */
interface Line {
  cells: string[];
  widths?: number[];
}

const HAS_SURROGATE = /[\uD800-\uDBFF]/;
/** Characters that end a cell or a line inside the tabwriter. */
const CELL_BREAK = /[\t\n\v\f]/;

/** Width in code points, as Go counts runes (a lone surrogate counts once, as Go's U+FFFD would). */
export function runeWidth(s: string): number {
  if (!HAS_SURROGATE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function widthsOf(line: Line): number[] {
  line.widths ??= line.cells.map(runeWidth);
  return line.widths;
}

let spaces = ' '.repeat(256);

function pad(n: number): string {
  if (n > spaces.length) spaces = ' '.repeat(n * 2);
  return spaces.slice(0, n);
}

/** Output is handed on in pieces of about this many characters, so a large table never sits in one string. */
const EMIT_CHUNK = 64 * 1024;

/** Buffers tab-separated lines and writes them aligned on flush (and when a one-cell line ends a block). */
export class TabWriter {
  readonly #emit: (text: string) => void;
  readonly #opts: TabWriterOptions;
  #lines: Line[] = [{ cells: [] }];
  #cell = '';
  #widths: number[] = [];
  #maxwidths: number[] = [];
  #pending: string[] = [];
  #pendingSize = 0;

  constructor(emit: (text: string) => void, opts: TabWriterOptions = KUBECTL_TABWRITER) {
    this.#emit = emit;
    this.#opts = opts;
  }

  /** Splits text into cells; a line with a single cell, or a formfeed, flushes (as Go's Write does). */
  write(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      // '\t' 9, '\n' 10, '\v' 11, '\f' 12
      if (ch < 9 || ch > 12) continue;
      const line = this.#lines[this.#lines.length - 1] as Line;
      line.cells.push(this.#cell + text.slice(start, i));
      this.#cell = '';
      start = i + 1;
      if (ch === 10 || ch === 12) {
        this.#lines.push({ cells: [] });
        if (ch === 12 || line.cells.length === 1) this.flush();
      }
    }
    if (start < text.length) this.#cell += text.slice(start);
  }

  /**
   * write(cells.join('\t') + '\n') without splitting the text again: the
   * table printer's rows arrive as cells already.
   */
  writeCells(cells: string[]): void {
    const line = this.#lines[this.#lines.length - 1] as Line;
    if (cells.length === 0 || this.#cell !== '' || line.cells.length > 0 || cells.some((c) => CELL_BREAK.test(c))) {
      this.write(`${cells.join('\t')}\n`);
      return;
    }
    line.cells = cells;
    this.#lines.push({ cells: [] });
    if (cells.length === 1) this.flush();
  }

  /** Formats and writes out everything buffered. */
  flush(): void {
    if (this.#cell.length > 0) (this.#lines[this.#lines.length - 1] as Line).cells.push(this.#cell);
    this.#cell = '';
    if (!this.#formatUniform()) this.#format(0, this.#lines.length);
    this.#lines = [{ cells: [] }];
    this.#widths = [];
    this.#drain();
  }

  /** The remembered per-column widths (kubectl resets them between resource types). */
  setRememberedWidths(widths: readonly number[]): void {
    this.#maxwidths = [...widths];
  }

  /**
   * A table (every line with the same number of cells, the usual case) has one
   * block per column: its widths come from a single pass. Same result as
   * format(), without its per-column passes.
   */
  #formatUniform(): boolean {
    const lines = this.#lines;
    const last = lines[lines.length - 1] as Line;
    const count = lines.length - (last.cells.length === 0 ? 1 : 0);
    const n = (lines[0] as Line).cells.length;
    if (count === 0 || n < 2) return false;
    for (let i = 1; i < count; i++) if ((lines[i] as Line).cells.length !== n) return false;
    const widths = new Array<number>(n - 1).fill(this.#opts.minwidth);
    for (let i = 0; i < count; i++) {
      const w = widthsOf(lines[i] as Line);
      for (let c = 0; c < n - 1; c++) {
        const cw = (w[c] as number) + this.#opts.padding;
        if (cw > (widths[c] as number)) widths[c] = cw;
      }
    }
    for (let c = 0; c < n - 1; c++) {
      const width = this.#opts.rememberWidths ? this.#remember(widths[c] as number) : (widths[c] as number);
      this.#widths.push(width);
    }
    this.#writeLines(0, lines.length);
    return true;
  }

  /** Go's format(): finds column blocks left to right, recursing for the columns to their right. */
  #format(line0: number, line1: number): void {
    const column = this.#widths.length;
    for (let self = line0; self < line1; self++) {
      if (column >= (this.#lines[self] as Line).cells.length - 1) continue;
      this.#writeLines(line0, self);
      line0 = self;
      let width = this.#opts.minwidth;
      for (; self < line1; self++) {
        const line = this.#lines[self] as Line;
        if (column >= line.cells.length - 1) break;
        const w = (widthsOf(line)[column] as number) + this.#opts.padding;
        if (w > width) width = w;
      }
      if (this.#opts.rememberWidths) width = this.#remember(width);
      this.#widths.push(width);
      this.#format(line0, self);
      this.#widths.pop();
      line0 = self;
    }
    this.#writeLines(line0, line1);
  }

  /** RememberWidths: a column is never narrower than it was before a Flush. */
  #remember(width: number): number {
    const max = this.#maxwidths;
    const at = this.#widths.length;
    if (max.length < at) max.push(...this.#widths.slice(max.length));
    if (max.length === at) max.push(width);
    else if ((max[at] as number) > width) return max[at] as number;
    else if ((max[at] as number) < width) max[at] = width;
    return width;
  }

  #writeLines(line0: number, line1: number): void {
    const widths = this.#widths;
    const last = this.#lines.length - 1;
    for (let i = line0; i < line1; i++) {
      const line = this.#lines[i] as Line;
      const cells = line.cells;
      const padded = Math.min(cells.length, widths.length);
      const w = padded > 0 ? widthsOf(line) : undefined;
      let out = '';
      for (let j = 0; j < cells.length; j++) {
        out += cells[j];
        if (j < padded) out += pad((widths[j] as number) - ((w as number[])[j] as number));
      }
      // The last buffered line has no newline yet (text written after the last '\n').
      this.#push(i === last ? out : `${out}\n`);
    }
  }

  #push(text: string): void {
    this.#pending.push(text);
    this.#pendingSize += text.length;
    if (this.#pendingSize >= EMIT_CHUNK) this.#drain();
  }

  #drain(): void {
    if (this.#pending.length === 0) return;
    const text = this.#pending.join('');
    this.#pending = [];
    this.#pendingSize = 0;
    if (text.length > 0) this.#emit(text);
  }
}
