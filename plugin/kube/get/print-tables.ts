/**
 * `get` with the table printer (no -o, or -o wide): kubectl get.go Run's
 * human-readable branch. Each resource type is printed as one aligned table
 * (kubectl prints nothing until the last page arrived: column widths span all
 * pages of a type), types separated by a blank line, with `kind/` before names
 * when several kinds are printed. Rows go into the aligner as pages arrive and
 * the pages are let go; only --sort-by and several types need every page first.
 */
import { SockError } from '../../errors.ts';
import type { Ctx } from '../../context.ts';
import type { KubeClient } from '../rest/client.ts';
import type { ApiResource } from '../discovery/discovery.ts';
import { collectInfos, visitInfos, type CollectOptions, type Info } from './collect.ts';
import type { RequestShape } from './fetch.ts';
import { HumanPrinter } from './human-printer.ts';
import type { GetOptions, Plan } from './options.ts';
import { TrackingOutput } from './output.ts';
import { isTable, type KubeObject } from './table-types.ts';
import { TabWriter } from './tabwriter.ts';

/**
 * The request shape of a get: Tables for the table printer, no paging when sorting.
 * kubectl's transformRequests asks for whole objects in the rows (includeObject=Object)
 * only for --sort-by; otherwise it leaves includeObject to the server's default
 * (PartialObjectMetadata), which the NAMESPACE and label columns and the watch read.
 */
export function requestShape(o: GetOptions, forWatch: boolean): RequestShape {
  return {
    table: o.humanReadable && o.serverPrint,
    includeObject: o.sortBy !== '' ? 'Object' : 'Metadata',
    labelSelector: o.labelSelector.trim(),
    fieldSelector: o.fieldSelector.trim(),
    // kubectl asks for everything at once to sort it, except when watching.
    chunkSize: o.sortBy !== '' && !forWatch ? 0 : o.chunkSize,
  };
}

/** schema.GroupKind.String(): "Pod", "Deployment.apps". */
export function groupKind(r: ApiResource): string {
  return r.group ? `${r.kind}.${r.group}` : r.kind;
}

function resourceKey(r: ApiResource): string {
  return `${r.group}/${r.version}/${r.resource}`;
}

/** multipleGVKsRequested: infos of more than one group-version-kind. */
export function multipleKinds(infos: readonly Info[]): boolean {
  if (infos.length < 2) return false;
  const first = infos[0]?.visit.resource as ApiResource;
  return infos.some(({ visit: { resource: r } }) => r.group !== first.group || r.version !== first.version || r.kind !== first.kind);
}

/** SortingPrinter: a Table of several rows is sorted before printing; a failure hides that table, as kubectl ignores PrintObj's error. */
export async function sortedForPrint(obj: KubeObject, sortBy: string): Promise<boolean> {
  if (!sortBy || !isTable(obj) || (obj.rows?.length ?? 0) <= 1) return true;
  const { SortError, sortTable } = await import('./sorter.ts');
  try {
    await sortTable(obj, sortBy);
    return true;
  } catch (err) {
    if (err instanceof SortError) return false;
    throw err;
  }
}

/** RuntimeSorter: several infos (types or names) are themselves ordered by the sort key. */
async function ordered(infos: Info[], sortBy: string): Promise<Info[]> {
  if (!sortBy || infos.length <= 1) return infos;
  const { SortError, sortObjects } = await import('./sorter.ts');
  try {
    const positions = await sortObjects(infos.map((i) => i.object), sortBy);
    return positions.map((p) => infos[p] as Info);
  } catch (err) {
    if (err instanceof SortError) throw new SockError('E_SORT', err.message);
    throw err;
  }
}

/** Prints the tables; returns the errors to report after them (kubectl's aggregate). */
export async function printTables(ctx: Ctx, client: KubeClient, o: GetOptions, plan: Plan): Promise<unknown[]> {
  const shape = requestShape(o, false);
  const collect: CollectOptions = {
    continueOnError: true,
    ignoreNotFound: o.ignoreNotFound,
    flatten: true,
    rowObjects: o.sortBy !== '' ? 'whole' : o.allNamespaces || o.showLabels || o.labelColumns.length > 0 ? 'metadata' : 'none',
  };
  const out = new TrackingOutput(ctx.streams.out);
  const tables = new Tables(ctx, o, out);
  let errors: unknown[];
  if (o.sortBy === '' && oneType(plan)) {
    // One type: no kind/ prefix to decide from all results, nothing to order.
    errors = await visitInfos(client, plan, shape, collect, (info) => tables.print(info, o.showKind));
  } else {
    const collected = await collectInfos(client, plan, shape, collect);
    const withKind = o.showKind || multipleKinds(collected.infos);
    for (const info of await ordered(collected.infos, o.sortBy)) await tables.print(info, withKind);
    errors = collected.errors;
  }
  tables.end();
  if (out.written === 0 && !o.ignoreNotFound && errors.length === 0) {
    ctx.streams.errOut.write(tables.allNamespaced ? `No resources found in ${o.namespace} namespace.\n` : 'No resources found\n');
  }
  return errors;
}

/** Whether every request of the plan is for the same resource type. */
function oneType(plan: Plan): boolean {
  const first = plan.visits[0]?.resource;
  return first === undefined || plan.visits.every((v) => resourceKey(v.resource) === resourceKey(first));
}

/** kubectl's print loop: a new printer (and a flushed, reset aligner) whenever the resource type changes. */
class Tables {
  readonly #ctx: Ctx;
  readonly #o: GetOptions;
  readonly #out: TrackingOutput;
  readonly #w: TabWriter;
  #printer: HumanPrinter | undefined;
  #last: ApiResource | undefined;
  allNamespaced: boolean;

  constructor(ctx: Ctx, o: GetOptions, out: TrackingOutput) {
    this.#ctx = ctx;
    this.#o = o;
    this.#out = out;
    this.#w = new TabWriter(out.write);
    this.allNamespaced = !o.allNamespaces;
  }

  async print(info: Info, withKind: boolean): Promise<void> {
    const o = this.#o;
    const r = info.visit.resource;
    this.allNamespaced = this.allNamespaced && r.namespaced;
    if (!this.#printer || !this.#last || resourceKey(r) !== resourceKey(this.#last)) {
      this.#w.flush();
      this.#w.setRememberedWidths([]);
      if (this.#last && !o.noHeaders && this.#out.written > 0) this.#out.separateNext();
      this.#printer = new HumanPrinter(printOptions(o, r, o.allNamespaces && r.namespaced, withKind), () => this.#ctx.now());
      this.#last = r;
    }
    if (await sortedForPrint(info.object, o.sortBy)) this.#printer.print(info.object, this.#w);
  }

  end(): void {
    this.#w.flush();
  }
}

/** The table printer's options for one resource type. */
export function printOptions(o: GetOptions, r: ApiResource, withNamespace: boolean, withKind: boolean) {
  return {
    noHeaders: o.noHeaders,
    wide: o.output === 'wide',
    withNamespace,
    withKind,
    kind: groupKind(r),
    columnLabels: o.labelColumns,
    showLabels: o.showLabels,
  };
}
