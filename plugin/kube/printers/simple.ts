/**
 * kubectl's -o json, -o yaml and -o name printers (cli-runtime printers
 * json.go, yaml.go, name.go, with managedfields.go in front of json/yaml).
 */
import { SockError } from '../../errors.ts';
import { goJsonMarshal, goJsonMarshalIndent, goJsonString } from './go-json.ts';
import type { GoMap } from './go-value.ts';
import { hasNoTypeInfo, isList, MISSING_KIND, omitManagedFields, WatchEvent } from './objects.ts';
import { goYamlMarshal } from './yaml.ts';

/** Where printers write: a node Writable or any object with write(string). */
export interface Output {
  write(chunk: string): unknown;
}

/** kubectl's ResourcePrinter.PrintObj; stateful where kubectl's printer is (YAML's "---", custom-columns' header). */
export interface ResourcePrinter {
  printObject(obj: unknown, out: Output): void;
}

function prepare(obj: unknown, showManagedFields: boolean): unknown {
  const shown = showManagedFields ? obj : omitManagedFields(obj);
  if (hasNoTypeInfo(shown)) throw new SockError('E_PRINT', MISSING_KIND);
  return shown;
}

/** JSONPrinter: indented with four spaces; a watch event on one line (json.Marshal), managed fields kept. */
export class JsonPrinter implements ResourcePrinter {
  private readonly showManagedFields: boolean;
  constructor(showManagedFields: boolean) {
    this.showManagedFields = showManagedFields;
  }

  printObject(obj: unknown, out: Output): void {
    // metav1.WatchEvent marshals in struct order: type, then object.
    if (obj instanceof WatchEvent) out.write(`{"type":${goJsonString(obj.type)},"object":${goJsonMarshal(obj.object)}}\n`);
    else out.write(`${goJsonMarshalIndent(prepare(obj, this.showManagedFields))}\n`);
  }
}

/** YAMLPrinter: documents after the first are preceded by "---". */
export class YamlPrinter implements ResourcePrinter {
  private readonly showManagedFields: boolean;
  private printCount = 0;
  constructor(showManagedFields: boolean) {
    this.showManagedFields = showManagedFields;
  }

  printObject(obj: unknown, out: Output): void {
    // kubectl counts and writes the separator before it marshals, even when marshalling then fails.
    this.printCount++;
    if (this.printCount > 1) out.write('---\n');
    const shown = obj instanceof WatchEvent ? obj.toMap() : prepare(obj, this.showManagedFields);
    out.write(goYamlMarshal(shown));
  }
}

/** NamePrinter: kind[.group]/name per object, each item of a list. */
export class NamePrinter implements ResourcePrinter {
  printObject(obj: unknown, out: Output): void {
    const target = obj instanceof WatchEvent ? obj.object : obj;
    if (isList(target)) {
      for (const item of target.items) this.printObject(item, out);
      return;
    }
    if (hasNoTypeInfo(target)) throw new SockError('E_PRINT', MISSING_KIND);
    const m = target as GoMap;
    const meta = (m['metadata'] ?? {}) as GoMap;
    const name = typeof meta['name'] === 'string' && meta['name'] !== '' ? meta['name'] : '<unknown>';
    const kind = typeof m['kind'] === 'string' ? m['kind'] : '';
    if (kind === '') throw new SockError('E_PRINT', `missing kind for resource with name ${name}`);
    const group = groupOf(m['apiVersion']);
    out.write(group ? `${kind.toLowerCase()}.${group}/${name}\n` : `${kind.toLowerCase()}/${name}\n`);
  }
}

/** schema.ParseGroupVersion's group: "apps/v1" → apps, "v1" → "". */
function groupOf(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
