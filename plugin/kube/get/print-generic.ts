/**
 * `get -o json|yaml|name|jsonpath|custom-columns|go-template`: kubectl get.go
 * printGeneric. One named object prints as itself; anything else is gathered
 * into a `kind: List` (items in request order, sorted by --sort-by) and
 * printed once. Where that List's bytes are its items' written in turn (json,
 * name) and only lists are asked for, items are printed as their pages arrive.
 */
import type { Ctx } from '../../context.ts';
import type { Klog } from '../../klog.ts';
import type { KubeClient } from '../rest/client.ts';
import { collectInfos, visitInfos, type CollectOptions } from './collect.ts';
import { listDepthError } from './list-depth.ts';
import type { GetOptions, Plan } from './options.ts';
import { requestShape } from './print-tables.ts';
import { newObjectPrinter, type ObjectPrinter, type PrinterSpec } from './printers-adapter.ts';
import { SortError } from './sort-errors.ts';
import type { KubeObject } from './table-types.ts';

/** The printer flags of a get. */
export function printerSpec(o: GetOptions, cwd: string): PrinterSpec {
  return {
    cwd,
    output: o.output,
    template: o.template,
    noHeaders: o.noHeaders,
    allowMissingTemplateKeys: o.allowMissingTemplateKeys,
    showManagedFields: o.showManagedFields,
  };
}

/**
 * kubectl's TablePrinter wraps every printer while --server-print is on, except
 * for -o yaml, json, jsonpath and custom-columns (get.go Complete turns it off
 * for those); given anything but a Table it says so at -v=2, each time it prints.
 */
export function logTableFallback(klog: Klog, o: GetOptions): void {
  if (klog.level < 2 || !o.serverPrint || o.output === 'yaml' || o.output.includes('json') || o.output.includes('custom-columns')) return;
  klog.info(2, 'table_printer.ts', 'Unable to decode server response into a Table. Falling back to hardcoded types: attempt to decode non-Table object');
}

/** Prints the result; returns the errors to report after it. */
export async function printGeneric(ctx: Ctx, client: KubeClient, o: GetOptions, plan: Plan): Promise<unknown[]> {
  const shape = { ...requestShape(o, false), table: false };
  const collect: CollectOptions = { continueOnError: true, ignoreNotFound: o.ignoreNotFound, flatten: true, rowObjects: 'whole' };
  // kubectl makes its printer after the requests (a bad -o is reported after request errors); json and name cannot fail to make.
  const streamable = o.sortBy === '' && plan.visits.every((v) => v.name === undefined) && ['json', 'name'].includes(o.output.toLowerCase());
  if (streamable) return printStreamed(ctx, client, o, plan, shape, collect, await newObjectPrinter(printerSpec(o, ctx.cwd)));
  const { infos, errors } = await collectInfos(client, plan, shape, collect);
  // A single named object that failed is the whole answer.
  if (errors.length > 0 && plan.singleItemImplied) return errors;
  if (infos.length === 0 && o.ignoreNotFound) return errors;
  const printer = await newObjectPrinter(printerSpec(o, ctx.cwd));
  let items = infos.map((i) => i.object);
  const single = plan.singleItemImplied && items.length === 1;
  // kubectl re-decodes the List it builds: an item as deep as a lone object may be is too deep inside it, and that error is all it reports.
  const tooDeep = single ? undefined : listDepthError(infos);
  if (tooDeep) return [tooDeep];
  if (o.sortBy && !single && items.length > 0) {
    const { sortObjects } = await import('./sorter.ts');
    try {
      const positions = await sortObjects(items, o.sortBy);
      items = positions.map((p) => items[p] as KubeObject);
    } catch (err) {
      // SortingPrinter fails before its delegate prints anything.
      if (err instanceof SortError) return [...errors, err];
      throw err;
    }
  }
  logTableFallback(client.klog, o);
  try {
    printer.printResult(items, ctx.streams.out, plan.singleItemImplied);
  } catch (err) {
    return [...errors, err];
  }
  return errors;
}

/**
 * The List printed as pages arrive. Every item came in a list page, which
 * nests it as deep as the printed List does, so none is too deep for it. A
 * failed print (a name without a kind) stops the printing; the requests go
 * on, for the errors kubectl reports before it.
 */
async function printStreamed(ctx: Ctx, client: KubeClient, o: GetOptions, plan: Plan, shape: ReturnType<typeof requestShape>, collect: CollectOptions, printer: ObjectPrinter): Promise<unknown[]> {
  const list = printer.listStream(ctx.streams.out);
  if (!list) throw new Error('printGeneric: this format cannot be streamed');
  let printed = 0;
  let failure: { err: unknown } | undefined;
  const errors = await visitInfos(client, plan, shape, collect, ({ object }) => {
    if (failure) return;
    try {
      list.add(object);
      printed++;
    } catch (err) {
      failure = { err };
    }
  });
  // kubectl prints (and -v=2 logs its fallback) once the requests are done, unless there is nothing to print.
  if (printed > 0 || failure || !o.ignoreNotFound) logTableFallback(client.klog, o);
  if (failure) return [...errors, failure.err];
  if (printed > 0 || !o.ignoreNotFound) list.end();
  return errors;
}
