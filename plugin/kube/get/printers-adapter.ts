/**
 * The one seam between `get` and the -o printers library
 * (plugin/kube/printers/, entry newPrinter): json, yaml, name, jsonpath,
 * custom-columns, go-template, and the JSONPath evaluator --sort-by uses.
 * Everything `get` needs from it goes through here, imported on first use so
 * the table path loads none of it.
 */
import type { KubeObject } from './table-types.ts';

/** The -o flags that choose and configure a non-table printer. */
export interface PrinterSpec {
  output: string;
  template: string;
  noHeaders: boolean;
  allowMissingTemplateKeys: boolean;
  showManagedFields: boolean;
  /** Base folder of relative *-file templates. */
  cwd: string;
}

/** Where a printer writes: stdout, or the watch's tabwriter. */
export interface PrintTarget {
  write(chunk: string): unknown;
}

/** A printer as kubectl's ResourcePrinter: stateful per command run (YAML's "---", custom-columns' header). */
export interface ObjectPrinter {
  /** One object, a List, or (with `eventType`) a watch event. Throws kubectl's error when kubectl's PrintObj fails. */
  print(obj: KubeObject, out: PrintTarget, eventType?: string): void;
  /** kubectl printGeneric: one result of a single-object request alone, anything else as one List. */
  printResult(items: readonly KubeObject[], out: PrintTarget, singleItemImplied: boolean): void;
  /** The List written item by item (json, name), or undefined where the format needs the whole List. */
  listStream(out: PrintTarget): { add(item: KubeObject): void; end(): void } | undefined;
}

/** Builds the printer for `spec.output`; throws kubectl's error for an unknown format. */
export async function newObjectPrinter(spec: PrinterSpec): Promise<ObjectPrinter> {
  const lib = await import('../printers/index.ts');
  const printer = lib.newPrinter(spec);
  return {
    print(obj, out, eventType) {
      printer.printObject(eventType ? new lib.WatchEvent(eventType, obj) : obj, out);
    },
    printResult(items, out, singleItemImplied) {
      lib.printResult(printer, items, out, { singleItemImplied });
    },
    listStream: (out) => printer.listStream?.(out),
  };
}

/** One compiled JSONPath, as --sort-by evaluates it (AllowMissingKeys(true), first result only). */
export interface SortPath {
  /** The first value the path finds in obj, or `found: false`. */
  first(obj: unknown): { found: boolean; value?: unknown };
}

/**
 * kubectl's RelaxedJSONPathExpression (get/customcolumn.go): `a.b`, `.a.b`,
 * `{a.b}` and `{.a.b}` all become `{.a.b}`; anything else is its error.
 */
export async function relaxedJsonPath(expr: string): Promise<string> {
  const { relaxedJsonPath: relax } = await import('../printers/custom-columns.ts');
  return relax(expr);
}

/** Parses a JSONPath template (jsonpath.Parse); throws its parse error. */
export async function compileSortPath(template: string): Promise<SortPath> {
  const [{ JsonPath }, { parseJsonPath }] = await Promise.all([import('../printers/jsonpath/eval.ts'), import('../printers/jsonpath/parser.ts')]);
  const path = new JsonPath(parseJsonPath(template), true);
  return {
    first(obj) {
      const results = path.findResults(obj);
      const firstList = results[0];
      return firstList && firstList.length > 0 ? { found: true, value: firstList[0] } : { found: false };
    },
  };
}
