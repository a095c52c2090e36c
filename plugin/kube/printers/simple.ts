/**
 * kubectl's -o json, -o yaml and -o name printers (cli-runtime printers
 * json.go, yaml.go, name.go, with managedfields.go in front of json/yaml).
 */
import { SockError } from '../../errors.ts';
import { goJsonMarshal, goJsonString, writeGoJson } from './go-json.ts';
import type { GoMap } from './go-value.ts';
import { hasNoTypeInfo, isList, MISSING_KIND, omitManagedFields, omitOwnManagedFields, WatchEvent } from './objects.ts';
import { goYamlMarshal } from './yaml.ts';

/** Where printers write: a node Writable or any object with write(string). */
export interface Output {
  write(chunk: string): unknown;
}

/** kubectl's ResourcePrinter.PrintObj; stateful where kubectl's printer is (YAML's "---", custom-columns' header). */
export interface ResourcePrinter {
  printObject(obj: unknown, out: Output): void;
  /**
   * For a printer whose output of a List is the same bytes written item by
   * item: writes that List as its items are added, so none is held. The
   * List is begun at the first item; end() writes an empty one if none came.
   */
  listStream?(out: Output): ListStream;
}

/** A List being printed: add items in order, then end it. */
export interface ListStream {
  add(item: unknown): void;
  end(): void;
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

  /** listOf(items) as printObject prints it: its keys in order, the items two levels in. */
  listStream(out: Output): ListStream {
    let count = 0;
    const write = (text: string) => out.write(text);
    return {
      add: (item) => {
        out.write(count++ === 0 ? '{\n    "apiVersion": "v1",\n    "items": [\n        ' : ',\n        ');
        writeGoJson(this.showManagedFields ? item : omitOwnManagedFields(item), write, '    ', 2);
      },
      end: () => {
        out.write(count === 0 ? '{\n    "apiVersion": "v1",\n    "items": [],\n' : '\n    ],\n');
        out.write('    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n');
      },
    };
  }

  printObject(obj: unknown, out: Output): void {
    // metav1.WatchEvent marshals in struct order: type, then object.
    if (obj instanceof WatchEvent) out.write(`{"type":${goJsonString(obj.type)},"object":${goJsonMarshal(obj.object)}}\n`);
    else {
      writeGoJson(prepare(obj, this.showManagedFields), (text) => out.write(text), '    ');
      out.write('\n');
    }
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
    goYamlMarshal(shown, (text) => out.write(text));
  }
}

/** NamePrinter: kind[.group]/name per object, each item of a list. */
export class NamePrinter implements ResourcePrinter {
  listStream(out: Output): ListStream {
    return { add: (item) => this.printObject(item, out), end: () => undefined };
  }

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
