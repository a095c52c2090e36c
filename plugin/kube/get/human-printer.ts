/**
 * kubectl's human-readable printer (cli-runtime printers/tableprinter.go
 * HumanReadablePrinter): a server-side Table is decorated (NAMESPACE, label
 * columns, LABELS, the kind/ prefix, the EVENT column) and written as
 * tab-separated lines for the tabwriter; anything else falls back to the
 * client-side NAME/AGE columns.
 */
// fmt.Sprint for non-string cells, shared with the -o printers (int64/float64 as kubectl decodes JSON).
import { goSprint } from '../printers/go-value.ts';
import { translateTimestampSince } from './human-duration.ts';
import type { TabWriter } from './tabwriter.ts';
import { formatLabels, isTable, objectMeta, type KubeObject, type Table, type TableColumn, type TableRow } from './table-types.ts';

/** printers.PrintOptions, the part kubectl get sets. */
export interface PrintOptions {
  noHeaders: boolean;
  wide: boolean;
  withNamespace: boolean;
  /** --show-kind, or several types printed at once. */
  withKind: boolean;
  /** schema.GroupKind.String() of the type: "Pod", "Deployment.apps". */
  kind: string;
  columnLabels: readonly string[];
  showLabels: boolean;
}

/** kubectl pads event types to one width (tableprinter.go formattedEventType). */
const EVENT_TYPES: Record<string, string> = { ADDED: 'ADDED   ', MODIFIED: 'MODIFIED', DELETED: 'DELETED ', ERROR: 'ERROR   ' };

function formatEventType(type: string): string {
  return EVENT_TYPES[type] ?? type;
}

/** Anything escapeCell or the tabwriter would have to look at twice; most cells have none. */
const PLAIN_CELL = /^[^\t\n\v\f\r\x1b]*$/;

/** tableprinter.go cellBreakChars and terminal.go terminalEscaper. */
function escapeCell(s: string): string {
  if (PLAIN_CELL.test(s)) return s;
  let text = s;
  let truncated = false;
  const brk = text.search(/[\f\n\r]/);
  if (brk >= 0) {
    text = text.slice(0, brk);
    truncated = true;
  }
  if (text.includes('\x1b')) text = text.replaceAll('\x1b', '^[');
  return truncated ? `${text}...` : text;
}

function escapeTerminal(s: string): string {
  return s.includes('\x1b') || s.includes('\r') ? s.replaceAll('\x1b', '^[').replaceAll('\r', '\\r') : s;
}

/** formatLabelHeaders: the last path segment of each -L key, upper-cased. */
function labelHeaders(keys: readonly string[]): string[] {
  return keys.map((k) => (k.split('/').pop() ?? '').toUpperCase());
}

function labelValues(labels: Record<string, string> | undefined, o: PrintOptions): string[] {
  const values = o.columnLabels.map((k) => labels?.[k] ?? '');
  if (o.showLabels) values.push(formatLabels(labels));
  return values;
}

/**
 * One printer per resource type, as kubectl makes one per mapping: it
 * remembers the columns it printed headers for, so later pages, names and
 * watch events of the same type add rows under the same header.
 */
export class HumanPrinter {
  readonly #o: PrintOptions;
  readonly #now: () => Date;
  #lastColumns: string | undefined;
  #lastColumnDefs: TableColumn[] = [];
  #printedHeaders = false;
  /** The client-side handler used last (tableprinter.go lastType): a blank line and new headers when it changes. */
  #lastType: 'default' | 'status' | undefined;

  constructor(options: PrintOptions, now: () => Date) {
    this.#o = options;
    this.#now = now;
  }

  /** PrintObj: a Table (possibly of a watch event), a Status (client-go's error event), or an object or list printed client-side. */
  print(obj: KubeObject, w: TabWriter, eventType = ''): void {
    if (isTable(obj)) this.#printTable(obj, w, eventType);
    else if (obj.kind === 'Status') this.#printStatus(obj, w, eventType);
    else this.#printFallback(obj, w, eventType);
  }

  /** Whether a client-side handler prints headers now, after a blank line if another one printed last. */
  #switchTo(handler: 'default' | 'status', w: TabWriter): boolean {
    const include = this.#lastType !== handler && !this.#o.noHeaders;
    if (this.#lastType !== undefined && include) w.write('\n');
    this.#lastType = handler;
    return include;
  }

  /** printRowsForHandlerEntry with statusHandlerEntry (STATUS, REASON, MESSAGE): cells as fmt.Fprint writes them. */
  #printStatus(obj: KubeObject, w: TabWriter, eventType: string): void {
    const o = this.#o;
    if (this.#switchTo('status', w)) {
      const headers = ['STATUS', 'REASON', 'MESSAGE', ...labelHeaders(o.columnLabels), ...(o.showLabels ? ['LABELS'] : [])];
      if (o.withNamespace) headers.unshift('NAMESPACE');
      if (eventType) headers.unshift('EVENT');
      w.write(`${headers.join('\t')}\n`);
    }
    const cells = ['status', 'reason', 'message'].map((k) => String(obj[k] ?? ''));
    if (o.withKind && o.kind) cells[0] = `${o.kind.toLowerCase()}/${cells[0]}`;
    // The Status row carries no object: an empty NAMESPACE, and no label values.
    w.write(`${eventType ? `${formatEventType(eventType)}\t` : ''}${o.withNamespace ? '\t' : ''}${cells.join('\t')}\n`);
  }

  #printTable(table: Table, w: TabWriter, eventType: string): void {
    const defs = table.columnDefinitions ?? [];
    const key = defs.length > 0 ? JSON.stringify(defs) : undefined;
    let noHeaders = this.#o.noHeaders;
    // Headers once per set of columns; watch events after the first carry none.
    if (this.#printedHeaders && (key === undefined || key === this.#lastColumns)) noHeaders = true;
    let columns = defs;
    if (key === undefined) columns = this.#lastColumnDefs;
    else if (key !== this.#lastColumns) {
      this.#lastColumns = key;
      this.#lastColumnDefs = defs;
      this.#printedHeaders = false;
    }
    const rows = table.rows ?? [];
    if (rows.length > 0) this.#printedHeaders = true;
    const decorated = this.#decorate(columns, rows);
    if (eventType) {
      decorated.columns = [{ name: 'Event', type: 'string' }, ...decorated.columns];
      decorated.rows = decorated.rows.map((r) => [formatEventType(eventType), ...r]);
    }
    this.#writeTable(decorated.columns, decorated.rows, w, noHeaders);
  }

  /** decorateTable: NAMESPACE first, then the server's columns, -L columns, LABELS; kind/ on the name column. */
  #decorate(defs: TableColumn[], rows: TableRow[]): { columns: TableColumn[]; rows: unknown[][] } {
    const o = this.#o;
    const width = defs.length + o.columnLabels.length + (o.withNamespace ? 1 : 0) + (o.showLabels ? 1 : 0);
    let columns = defs;
    const nameColumn = o.withKind && o.kind ? defs.findIndex((c) => c.format === 'name' && c.type === 'string') : -1;
    if (width !== defs.length) {
      columns = [
        ...(o.withNamespace ? [{ name: 'Namespace', type: 'string' }] : []),
        ...defs,
        ...labelHeaders(o.columnLabels).map((name) => ({ name, type: 'string' })),
        ...(o.showLabels ? [{ name: 'Labels', type: 'string' }] : []),
      ];
    }
    const includeLabels = o.columnLabels.length > 0 || o.showLabels;
    // Undecorated rows are printed as they came (and never changed).
    if (!includeLabels && !o.withNamespace && nameColumn === -1) return { columns, rows: rows.map((row) => row.cells ?? []) };
    const out = rows.map((row) => {
      let cells = [...(row.cells ?? [])];
      if (nameColumn !== -1) cells[nameColumn] = `${o.kind.toLowerCase()}/${goSprint(cells[nameColumn])}`;
      const meta = objectMeta(row.object);
      if (!meta) {
        if (o.withNamespace) cells = [null, ...cells];
        // Go re-reads len(row.Cells) each turn, so this pads only part of the gap; kept as kubectl does it.
        for (let j = 0; j < width - cells.length; j++) cells.push(null);
        return cells;
      }
      if (o.withNamespace) cells = [meta.namespace ?? '', ...cells];
      if (includeLabels) cells.push(...labelValues(meta.labels, o));
      return cells;
    });
    return { columns, rows: out };
  }

  /** printTable: priority columns only with -o wide; no header when there are no rows. */
  #writeTable(columns: TableColumn[], rows: unknown[][], w: TabWriter, noHeaders: boolean): void {
    const wide = this.#o.wide;
    if (!noHeaders) {
      if (rows.length === 0) return;
      const names = columns.filter((c) => wide || !c.priority).map((c) => c.name.toUpperCase());
      w.write(`${names.join('\t')}\n`);
    }
    const shown = columns.map((c) => wide || !c.priority);
    for (const cells of rows) {
      const line: string[] = [];
      const n = Math.min(cells.length, columns.length);
      for (let i = 0; i < n; i++) {
        if (!shown[i]) continue;
        const cell = cells[i];
        if (cell === null || cell === undefined) line.push('');
        else line.push(typeof cell === 'string' ? escapeCell(cell) : escapeTerminal(goSprint(cell)));
      }
      w.writeCells(line);
    }
  }

  /** printObjectMeta + printRows: NAME and AGE computed here, for servers that send no Table. */
  #printFallback(obj: KubeObject, w: TabWriter, eventType: string): void {
    const o = this.#o;
    if (this.#switchTo('default', w)) {
      const headers = ['NAME', 'AGE', ...labelHeaders(o.columnLabels), ...(o.showLabels ? ['LABELS'] : [])];
      if (o.withNamespace) headers.unshift('NAMESPACE');
      if (eventType) headers.unshift('EVENT');
      w.write(`${headers.join('\t')}\n`);
    }
    const items = Array.isArray(obj['items']) ? (obj['items'] as KubeObject[]) : [obj];
    const now = this.#now();
    for (const item of items) {
      const meta = objectMeta(item) ?? {};
      let line = eventType ? `${formatEventType(eventType)}\t` : '';
      if (o.withNamespace) line += `${meta.namespace ?? ''}\t`;
      const name = meta.name ?? '';
      line += o.withKind && o.kind ? `${o.kind.toLowerCase()}/${name}` : name;
      line += `\t${translateTimestampSince(meta.creationTimestamp, now)}`;
      if (o.columnLabels.length > 0 || o.showLabels) for (const v of labelValues(meta.labels, o)) line += `\t${v}`;
      w.write(`${line}\n`);
    }
  }
}
