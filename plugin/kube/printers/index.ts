/**
 * The output printers of `kubectl sock get` for every -o format except the
 * human-readable table ('' and 'wide', which the get command renders from
 * server-side Tables): json, yaml, name, jsonpath, jsonpath-as-json,
 * jsonpath-file, custom-columns, custom-columns-file, go-template,
 * go-template-file, template, templatefile. Output is byte for byte kubectl
 * 1.33's (cli-runtime printers, kubectl pkg/cmd/get).
 *
 * Use:
 *
 *   const printer = newPrinter({ output: o.output, template: o.template, noHeaders,
 *     allowMissingTemplateKeys, showManagedFields, cwd: ctx.cwd });   // at validate time: bad -o throws kubectl's error
 *   printResult(printer, items, ctx.streams.out, { singleItemImplied }); // a plain get (kubectl printGeneric)
 *   printer.printObject(item, out);                                    // watch: each object as it arrives
 *   printer.printObject(new WatchEvent('ADDED', item), out);           // --output-watch-events
 *
 * A Printer is stateful as kubectl's is (YAML writes "---" before every
 * document after the first; custom-columns prints its header again when the
 * object type changes), so keep one per command run. printObject throws a
 * SockError with kubectl's message when kubectl's PrintObj fails; anything
 * kubectl writes before failing (go-template's partial output and debug dump,
 * YAML's separator, custom-columns' earlier rows) has been written already.
 * Objects are unstructured JSON values; numbers follow kubectl's int64/float64
 * split (see go-value.ts, and parseKubeJson for int64s beyond 2^53). List
 * items must carry apiVersion and kind, as kubectl's builder sets them.
 *
 * Watch (get.go watch): kubectl prints each object with its own PrintObj
 * call, writes custom-columns rows into one shared tabwriter
 * (get/tabwriter.ts TabWriter, RememberWidths) that it flushes after each
 * object -- pass that TabWriter as `out` -- and prefixes a print failure with
 * "unable to output the provided object: ". With -o json/yaml/name and no
 * results kubectl prints the empty List (or nothing, for name) and no
 * "No resources found" line; --show-kind changes none of these formats.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SockError } from '../../errors.ts';
import { columnsFromSpec, columnsFromTemplate, CustomColumnsPrinter } from './custom-columns.ts';
import { GoTemplatePrinter } from './go-template/printer.ts';
import { JsonPathPrinter, asPlainJsonMap } from './jsonpath/printer.ts';
import { goQuote } from './go-value.ts';
import { listOf, WatchEvent } from './objects.ts';
import { JsonPrinter, NamePrinter, YamlPrinter, type Output, type ResourcePrinter } from './simple.ts';

export { listOf, isList, omitManagedFields, WatchEvent } from './objects.ts';
export { goSprint, parseKubeJson } from './go-value.ts';
// For --sort-by (kubectl sorts by a JSONPath with AllowMissingKeys(true)): new JsonPath(parseJsonPath(relaxedJsonPath(expr)), true).findResults(obj).
export { JsonPath, JsonPathExecError } from './jsonpath/eval.ts';
export { JsonPathParseError, parseJsonPath } from './jsonpath/parser.ts';
export { relaxedJsonPath } from './custom-columns.ts';
export type { ListStream, Output, ResourcePrinter } from './simple.ts';

export interface PrinterSpec {
  /** The -o value. */
  output: string;
  /** --template: the template when -o names a template format without one; with no -o it means go-template. */
  template?: string;
  /** --no-headers (custom-columns). */
  noHeaders?: boolean;
  /** --allow-missing-template-keys (jsonpath, go-template); kubectl's default is true. */
  allowMissingTemplateKeys?: boolean;
  /** --show-managed-fields (json, yaml); default false strips metadata.managedFields. */
  showManagedFields?: boolean;
  /** Base for relative *-file paths (ctx.cwd). */
  cwd?: string;
  /** Reads a *-file template; a seam for tests. */
  readFile?: (path: string) => string;
}

export interface Printer extends ResourcePrinter {
  /** The resolved format: json, yaml, name, jsonpath, jsonpath-as-json, jsonpath-file, custom-columns, custom-columns-file, go-template, go-template-file, template, templatefile. */
  readonly format: string;
}

const ALLOWED_FORMATS = 'custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml';
const JSONPATH_FORMATS = ['jsonpath', 'jsonpath-as-json', 'jsonpath-file'];
const GO_TEMPLATE_FORMATS = ['go-template', 'go-template-file', 'template', 'templatefile'];
const COLUMN_FORMATS = ['custom-columns', 'custom-columns-file'];

/** True for the table output the get command renders itself ('' or wide, with no --template). */
export function isHumanReadableOutput(output: string, template = ''): boolean {
  return (output === '' && template === '') || output === 'wide';
}

/** kubectl get's PrintFlags.ToPrinter: the printer for an -o value, or kubectl's error for a bad one. */
export function newPrinter(spec: PrinterSpec): Printer {
  const template = spec.template ?? '';
  const output = spec.output === '' && template !== '' ? 'go-template' : spec.output;
  const templated = templateFormat(output, template, JSONPATH_FORMATS) ?? templateFormat(output, template, GO_TEMPLATE_FORMATS);
  if (templated) return templatePrinter(templated.format, templated.value, spec);
  const lower = output.toLowerCase();
  if (lower === 'json') return named('json', new JsonPrinter(spec.showManagedFields ?? false));
  if (lower === 'yaml') return named('yaml', new YamlPrinter(spec.showManagedFields ?? false));
  if (output === '' || output === 'wide') throw new Error(`printers: -o ${output || '""'} is the get command's table output`);
  const columns = templateFormat(output, template, COLUMN_FORMATS);
  if (columns) return columnsPrinter(columns.format, columns.value, spec);
  if (lower === 'name') return named('name', new NamePrinter());
  throw new SockError('E_USAGE', `unable to match a printer suitable for the output format ${goQuote(output)}, allowed formats are: ${ALLOWED_FORMATS}`);
}

/** Splits "jsonpath={.x}" into format and template, or takes the template from --template, as kubectl's *PrintFlags do. */
function templateFormat(output: string, template: string, formats: string[]): { format: string; value: string } | undefined {
  if (template === '' && output === '') return undefined;
  let format = output;
  let value = template;
  if (template === '') {
    const f = formats.find((name) => output.startsWith(`${name}=`));
    if (f) {
      format = f;
      value = output.slice(f.length + 1);
    }
  }
  return formats.includes(format) ? { format, value } : undefined;
}

function templatePrinter(format: string, value: string, spec: PrinterSpec): Printer {
  if (value === '') throw new SockError('E_PRINT', 'template format specified but no template given');
  const allowMissing = spec.allowMissingTemplateKeys ?? true;
  const text = format.endsWith('file') ? readTemplate(value, spec, `error reading --template ${value}, `) : value;
  if (JSONPATH_FORMATS.includes(format)) {
    const jp = new JsonPathPrinter(text, allowMissing, format === 'jsonpath-as-json');
    return named(format, {
      printObject(obj: unknown, out: Output) {
        const query = obj instanceof WatchEvent ? asPlainJsonMap(obj.toMap()) : obj;
        out.write(jp.print(query));
      },
    });
  }
  return named(format, new GoTemplatePrinter(text, allowMissing));
}

function columnsPrinter(format: string, value: string, spec: PrinterSpec): Printer {
  if (value === '') throw new SockError('E_PRINT', 'custom-columns format specified but no custom columns given');
  if (format === 'custom-columns') return named(format, new CustomColumnsPrinter(columnsFromSpec(value), spec.noHeaders ?? false));
  // kubectl's message ends with a newline of its own here; its error printer adds none then.
  const text = readTemplate(value, spec, `error reading template ${value}, `, '\n');
  return named(format, new CustomColumnsPrinter(columnsFromTemplate(text), false));
}

function named(format: string, p: ResourcePrinter): Printer {
  const printer: Printer = { format, printObject: (obj, out) => p.printObject(obj, out) };
  if (p.listStream) printer.listStream = (out) => (p.listStream as NonNullable<ResourcePrinter['listStream']>).call(p, out);
  return printer;
}

function readTemplate(path: string, spec: PrinterSpec, prefix: string, suffix = ''): string {
  try {
    return spec.readFile ? spec.readFile(path) : readFileSync(resolve(spec.cwd ?? '.', path), 'utf8');
  } catch (err) {
    throw new SockError('E_PRINT', `${prefix}${goOsError(err, path)}${suffix}`);
  }
}

/** Go's *PathError text for the errors a template file read meets. */
function goOsError(err: unknown, path: string): string {
  const code = (err as { code?: string }).code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or directory', EACCES: 'permission denied', ENOTDIR: 'not a directory', ELOOP: 'too many levels of symbolic links',
  };
  if (code === 'EISDIR') return `read ${path}: is a directory`;
  const reason = code ? reasons[code] : undefined;
  return reason ? `open ${path}: ${reason}` : `open ${path}: ${(err as Error).message}`;
}

/**
 * kubectl get's printGeneric: one result of a single-object request prints
 * alone; zero or several results print as one List.
 */
export function printResult(printer: ResourcePrinter, items: readonly unknown[], out: Output, opts: { singleItemImplied: boolean }): void {
  if (opts.singleItemImplied && items.length === 1) printer.printObject(items[0], out);
  else printer.printObject(listOf(items), out);
}
