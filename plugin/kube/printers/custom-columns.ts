/**
 * kubectl get's -o custom-columns / custom-columns-file printer
 * (kubectl pkg/cmd/get/customcolumn.go): one JSONPath per column, values
 * joined with ",", "<none>" when a column finds nothing, laid out by
 * kubectl's tabwriter (padding 3), header once per object type.
 */
import { isGoStruct } from './go-struct.ts';
import { SockError } from '../../errors.ts';
import { TabWriter } from '../get/tabwriter.ts';
import { goSprint } from './go-value.ts';
import { JsonPath, JsonPathExecError } from './jsonpath/eval.ts';
import { JsonPathParseError, parseJsonPath } from './jsonpath/parser.ts';
import { isList, WatchEvent } from './objects.ts';
import type { Output, ResourcePrinter } from './simple.ts';

export interface Column {
  header: string;
  /** A complete JSONPath template, {.a.b}. */
  fieldSpec: string;
}

const RELAXED = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/s;

/** RelaxedJSONPathExpression: a.b, .a.b, {a.b} and {.a.b} all become {.a.b}. */
export function relaxedJsonPath(expr: string): string {
  if (expr === '') return expr;
  const m = RELAXED.exec(expr);
  if (!m) throw new SockError('E_PRINT', "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'");
  return `{.${m[1] ?? m[2] ?? ''}}`;
}

/** NewCustomColumnsPrinterFromSpec: "NAME:.metadata.name,KIND:.kind". */
export function columnsFromSpec(spec: string): Column[] {
  if (spec === '') throw new SockError('E_PRINT', 'custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const colon = part.indexOf(':');
    if (colon < 0) throw new SockError('E_PRINT', `unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    return { header: part.slice(0, colon), fieldSpec: relaxedJsonPath(part.slice(colon + 1)) };
  });
}

const TEMPLATE_HINT = 'Expected format is one line of space separated headers, one line of space separated column specs.';

/** NewCustomColumnsPrinterFromTemplate: a header line and a spec line, whitespace separated. */
export function columnsFromTemplate(text: string): Column[] {
  const lines = scanLines(text);
  if (lines.length < 1) throw new SockError('E_PRINT', `invalid template, missing header line. ${TEMPLATE_HINT}`);
  if (lines.length < 2) throw new SockError('E_PRINT', `invalid template, missing spec line. ${TEMPLATE_HINT}`);
  const headers = words(lines[0] as string);
  const specs = words(lines[1] as string);
  if (headers.length !== specs.length) {
    throw new SockError('E_PRINT', `number of headers (${headers.length}) and field specifications (${specs.length}) don't match`);
  }
  return headers.map((header, i) => ({ header, fieldSpec: relaxedJsonPath(specs[i] as string) }));
}

/** bufio.ScanLines: lines without their \n or \r\n; a last line without a newline still counts. */
function scanLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (text.endsWith('\n')) lines.pop();
  return lines;
}

/** bufio.ScanWords: split on Unicode white space. */
function words(line: string): string[] {
  return line.split(/[\s\u0085\u00a0]+/u).filter((w) => w !== '');
}

/** printers.EscapeTerminal. */
export function escapeTerminal(s: string): string {
  return s.replaceAll('\x1b', '^[').replaceAll('\r', '\\r');
}

export class CustomColumnsPrinter implements ResourcePrinter {
  private readonly columns: Column[];
  private readonly noHeaders: boolean;
  private lastType: string | undefined;

  constructor(columns: Column[], noHeaders: boolean) {
    this.columns = columns;
    this.noHeaders = noHeaders;
  }

  /**
   * Rows go through a fresh tabwriter per call, flushed even when a column
   * fails (Go's deferred Flush). Given kubectl's own TabWriter (get -w shares
   * one, with RememberWidths, and flushes after each object), rows go there
   * unflushed, as kubectl writes into the tabwriter it is handed.
   */
  printObject(obj: unknown, out: Output | TabWriter): void {
    const shared = out instanceof TabWriter;
    const tw = shared ? out : new TabWriter((text) => out.write(text));
    try {
      // reflect.TypeOf(obj): a watch event, a list, an unstructured object, or a typed struct (client-go's Status).
      const type = obj instanceof WatchEvent ? 'event' : isList(obj) ? 'list' : isGoStruct(obj) ? `struct ${String((obj as { kind?: unknown }).kind)}` : 'object';
      if (!this.noHeaders && type !== this.lastType) {
        tw.write(`${this.columns.map((c) => c.header).join('\t')}\n`);
        this.lastType = type;
      }
      const paths = this.columns.map((c) => new JsonPath(parseColumn(c.fieldSpec), true));
      const objects = isList(obj) ? obj.items : [obj];
      for (const item of objects) tw.write(`${this.row(item, paths).join('\t')}\n`);
    } finally {
      if (!shared) tw.flush();
    }
  }

  private row(obj: unknown, paths: JsonPath[]): string[] {
    const target = obj instanceof WatchEvent ? obj.toMap() : obj;
    return paths.map((path) => {
      let values: unknown[][];
      try {
        values = path.findResults(target);
      } catch (err) {
        throw err instanceof JsonPathExecError ? new SockError('E_PRINT', err.message) : err;
      }
      const cells: string[] = values.length === 0 || (values[0] as unknown[]).length === 0 ? ['<none>'] : [];
      for (const group of values) for (const v of group) cells.push(escapeTerminal(goSprint(v)));
      return cells.join(',');
    });
  }
}

function parseColumn(spec: string) {
  try {
    return parseJsonPath(spec);
  } catch (err) {
    throw err instanceof JsonPathParseError ? new SockError('E_PRINT', err.message) : err;
  }
}
