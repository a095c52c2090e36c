/**
 * kubectl's -o go-template / go-template-file / template / templatefile
 * printer (cli-runtime 1.33 printers/template.go): Go's text/template with
 * exists and base64decode, missingkey=default ("<no value>") or, with
 * --allow-missing-template-keys=false, missingkey=error. On failure kubectl
 * writes what the template produced so far and a debugging dump to stdout,
 * then fails with "error executing template …".
 */
import { SockError } from '../../../errors.ts';
import { goJsonMarshal, goJsonString } from '../go-json.ts';
import { goQuote, goSprint } from '../go-value.ts';
import { WatchEvent } from '../objects.ts';
import type { Output, ResourcePrinter } from '../simple.ts';
import { Exec, TemplateExecError } from './exec.ts';
import { parseTemplate, TemplateParseError, UnsupportedTemplateError, type ListNode } from './parse.ts';

export class GoTemplatePrinter implements ResourcePrinter {
  private readonly raw: string;
  private readonly root: ListNode;
  private readonly allowMissingKeys: boolean;

  constructor(template: string, allowMissingKeys: boolean) {
    this.raw = template;
    this.allowMissingKeys = allowMissingKeys;
    try {
      this.root = parseTemplate(template);
    } catch (err) {
      if (err instanceof TemplateParseError) throw new SockError('E_PRINT', `error parsing template ${template}, ${err.message}`);
      if (err instanceof UnsupportedTemplateError) throw new SockError('E_UNSUPPORTED', err.message);
      throw err;
    }
  }

  printObject(obj: unknown, out: Output): void {
    const data = obj instanceof WatchEvent ? obj.toMap() : obj;
    const exec = new Exec(this.raw, !this.allowMissingKeys);
    try {
      exec.execute(this.root, data);
    } catch (err) {
      if (err instanceof UnsupportedTemplateError) throw new SockError('E_UNSUPPORTED', err.message);
      if (!(err instanceof TemplateExecError)) throw err;
      out.write(exec.out + this.dump(err.message, obj, data));
      throw new SockError('E_PRINT', `error executing template ${goQuote(this.raw)}: ${err.message}`);
    }
    out.write(exec.out);
  }

  /** The debugging text kubectl prints to stdout when a template fails. */
  private dump(message: string, obj: unknown, data: unknown): string {
    return `Error executing template: ${message}. Printing more information for debugging the template:\n` +
      `\ttemplate was:\n\t\t${this.raw}\n` +
      `\traw data was:\n\t\t${rawJson(obj)}\n` +
      `\tobject given to template engine was:\n\t\t${goSprint(data)}\n\n`;
  }
}

/** json.Marshal of what kubectl was given: a watch event keeps its struct order, type before object. */
function rawJson(obj: unknown): string {
  if (obj instanceof WatchEvent) return `{"type":${goJsonString(obj.type)},"object":${goJsonMarshal(obj.object)}}`;
  return goJsonMarshal(obj);
}
