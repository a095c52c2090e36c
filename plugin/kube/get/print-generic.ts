/**
 * `get -o json|yaml|name|jsonpath|custom-columns|go-template`: kubectl get.go
 * printGeneric. One named object prints as itself; anything else is gathered
 * into a `kind: List` (items in request order, sorted by --sort-by) and
 * printed once.
 */
import type { Ctx } from '../../context.ts';
import type { Klog } from '../../klog.ts';
import type { KubeClient } from '../client.ts';
import { collectInfos } from './collect.ts';
import type { GetOptions, Plan } from './options.ts';
import { requestShape } from './print-tables.ts';
import { newObjectPrinter, type PrinterSpec } from './printers-adapter.ts';
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
  const { infos, errors } = await collectInfos(client, plan, { ...requestShape(o, false), table: false }, {
    continueOnError: true,
    ignoreNotFound: o.ignoreNotFound,
    flatten: true,
    rowObjects: 'whole',
  });
  // A single named object that failed is the whole answer.
  if (errors.length > 0 && plan.singleItemImplied) return errors;
  if (infos.length === 0 && o.ignoreNotFound) return errors;
  // kubectl makes its printer only now, after the requests: a bad -o is reported after request errors.
  const printer = await newObjectPrinter(printerSpec(o, ctx.cwd));
  let items = infos.map((i) => i.object);
  const single = plan.singleItemImplied && items.length === 1;
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
