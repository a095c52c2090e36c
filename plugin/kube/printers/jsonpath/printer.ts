/**
 * kubectl's -o jsonpath / jsonpath-as-json / jsonpath-file printer
 * (cli-runtime printers/jsonpath.go over client-go jsonpath PrintResults).
 */
import { SockError } from '../../../errors.ts';
import { goJsonMarshal, goJsonMarshalIndent } from '../go-json.ts';
import { GoFloat, goKind, goQuote, goSharpV, goSprint, type GoMap } from '../go-value.ts';
import { JsonPath, JsonPathExecError } from './eval.ts';
import { JsonPathParseError, parseJsonPath, type ListNode } from './parser.ts';

/** Parses a template as kubectl does; a bad one is kubectl's "error parsing jsonpath …". */
export function parseJsonPathTemplate(template: string): ListNode {
  try {
    return parseJsonPath(template);
  } catch (err) {
    if (err instanceof JsonPathParseError) throw new SockError('E_PRINT', `error parsing jsonpath ${template}, ${err.message}`);
    throw err;
  }
}

export class JsonPathPrinter {
  private readonly template: string;
  private readonly path: JsonPath;
  private readonly outputJson: boolean;

  constructor(template: string, allowMissingKeys: boolean, outputJson: boolean) {
    this.template = template;
    this.path = new JsonPath(parseJsonPathTemplate(template), allowMissingKeys);
    this.outputJson = outputJson;
  }

  /** Prints nothing unless the whole template evaluates (FindResults runs before any write). */
  print(queryObj: unknown): string {
    let full: unknown[][];
    try {
      full = this.path.findResults(queryObj);
    } catch (err) {
      if (err instanceof JsonPathExecError) throw new SockError('E_PRINT', this.failure(err.message, queryObj));
      throw err;
    }
    return full.map((results) => printResults(results, this.outputJson)).join('');
  }

  private failure(message: string, queryObj: unknown): string {
    return `error executing jsonpath ${goQuote(this.template)}: Error executing template: ${message}. ` +
      'Printing more information for debugging the template:\n' +
      `\ttemplate was:\n\t\t${this.template}\n` +
      `\tobject given to jsonpath engine was:\n\t\t${goSharpV(queryObj)}\n\n\n`;
  }
}

/** PrintResults: maps and slices as compact JSON, scalars as fmt prints them, joined by spaces. */
export function printResults(results: unknown[], outputJson: boolean): string {
  const values = outputJson ? [results] : results;
  let text = '';
  values.forEach((r, i) => {
    const kind = goKind(r);
    if (outputJson) text += `${goJsonMarshalIndent(r)}\n`;
    else if (kind === 'map' || kind === 'slice') text += goJsonMarshal(r);
    else text += kind === 'nil' ? 'null' : goSprint(r);
    if (i !== values.length - 1) text += ' ';
  });
  return text;
}

/**
 * kubectl hands a watch event to the JSONPath engine through encoding/json
 * into a plain map, so every number in it is a float64 (3 prints as 3, but
 * 1000000 as 1e+06).
 */
export function asPlainJsonMap(v: unknown): unknown {
  switch (goKind(v)) {
    case 'int':
    case 'float':
      return new GoFloat(Number(v instanceof GoFloat ? v.value : v));
    case 'slice':
      return (v as unknown[]).map(asPlainJsonMap);
    case 'map': {
      const out: GoMap = {};
      for (const [k, e] of Object.entries(v as GoMap)) out[k] = asPlainJsonMap(e);
      return out;
    }
    default:
      return v;
  }
}
