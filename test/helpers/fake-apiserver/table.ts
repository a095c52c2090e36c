// meta.k8s.io Table responses, as the apiserver's asTable builds them: the server
// always prints wide, then swaps each row's object per `includeObject`.
import { printerFor } from './printers.ts';
import type { ResourceDef } from './resources.ts';
import { StatusError, badRequest } from './status.ts';
import type { K8sObject } from './types.ts';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  version: 'v1' | 'v1beta1';
  includeObject: IncludeObject;
  /** Watch events after the first carry no column definitions. */
  noHeaders?: boolean;
  now: number;
}

export interface TableListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export function parseIncludeObject(value: string | null): IncludeObject {
  if (value === null || value === '' || value === 'Metadata') return 'Metadata';
  if (value === 'None' || value === 'Object') return value;
  throw new StatusError(badRequest(`unrecognized includeObject value: "${value}"`));
}

function rowObject(obj: K8sObject, opts: TableOptions): object | null {
  if (opts.includeObject === 'None') return null;
  if (opts.includeObject === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${opts.version}`, metadata: obj.metadata };
}

export function toTable(def: ResourceDef, objects: K8sObject[], meta: TableListMeta, opts: TableOptions): object {
  const printer = printerFor(def.kind);
  const rows = objects.map((obj) => {
    const conditions = printer.conditions?.(obj);
    return { cells: printer.cells(obj, opts.now), ...(conditions ? { conditions } : {}), object: rowObject(obj, opts) };
  });
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.version}`,
    metadata: meta,
    columnDefinitions: opts.noHeaders ? null : printer.columns,
    rows,
  };
}
