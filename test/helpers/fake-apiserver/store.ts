// The in-memory object store: one resourceVersion counter for everything (as etcd
// has), a history of changes for watches, and key-ordered listing with paging.
import { randomUUID } from 'node:crypto';
import { groupVersionOf, resourceForObject, type ResourceDef } from './resources.ts';
import { StatusError, badRequest, expired, failure } from './status.ts';
import type { K8sObject, ObjectMeta } from './types.ts';
import type { Matcher } from './selectors.ts';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  def: ResourceDef;
  object: K8sObject;
  /** The object before a MODIFIED or DELETED, to tell when it left a selector. */
  prev?: K8sObject;
  rv: number;
}

export interface ListPage {
  items: K8sObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** RFC 3339 with whole seconds, as metav1.Time serializes. */
export function nowTimestamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

function keyOf(def: ResourceDef, namespace: string | undefined, name: string): string {
  return def.namespaced ? `${namespace ?? ''}/${name}` : name;
}

// Fields the real API server's defaulting and strategies fill in on create.
const DEFAULTS: Record<string, (obj: K8sObject) => void> = {
  Namespace(obj) {
    obj.metadata.labels = { 'kubernetes.io/metadata.name': obj.metadata.name, ...obj.metadata.labels };
    obj['spec'] ??= { finalizers: ['kubernetes'] };
    obj['status'] ??= { phase: 'Active' };
  },
  Pod(obj) {
    obj['spec'] ??= { containers: [] };
    obj['status'] ??= { phase: 'Pending' };
  },
  Service(obj) {
    const spec = (obj['spec'] ??= {}) as Record<string, unknown>;
    spec['type'] ??= 'ClusterIP';
    if (typeof spec['clusterIP'] === 'string' && spec['clusterIPs'] === undefined) spec['clusterIPs'] = [spec['clusterIP']];
    for (const p of (spec['ports'] ?? []) as Array<Record<string, unknown>>) p['protocol'] ??= 'TCP';
  },
};

export class Store {
  private rv = 1000;
  private objects = new Map<ResourceDef, Map<string, K8sObject>>();
  private history: StoreEvent[] = [];
  private compactedRv = 0;
  private listeners = new Set<(ev: StoreEvent) => void>();

  currentRv(): string {
    return String(this.rv);
  }

  defFor(obj: K8sObject): ResourceDef {
    const def = resourceForObject(obj.apiVersion, obj.kind);
    if (!def) throw new Error(`fake apiserver: no resource for apiVersion=${obj.apiVersion} kind=${obj.kind}`);
    return def;
  }

  /** Copies the object with type and metadata filled in as the server stores it. */
  private normalize(def: ResourceDef, obj: K8sObject, old?: K8sObject): K8sObject {
    const copy = structuredClone(obj);
    const { name, namespace, uid, resourceVersion: _rv, creationTimestamp, ...rest } = copy.metadata;
    const metadata: ObjectMeta = {
      name,
      ...(def.namespaced ? { namespace: namespace ?? 'default' } : {}),
      uid: uid ?? old?.metadata.uid ?? randomUUID(),
      resourceVersion: String(++this.rv),
      creationTimestamp: creationTimestamp ?? old?.metadata.creationTimestamp ?? nowTimestamp(),
      ...rest,
    };
    const { kind: _k, apiVersion: _a, metadata: _m, ...body } = copy;
    const out: K8sObject = { kind: def.kind, apiVersion: groupVersionOf(def), metadata, ...body };
    if (!old) DEFAULTS[def.kind]?.(out);
    return out;
  }

  private bucket(def: ResourceDef): Map<string, K8sObject> {
    let b = this.objects.get(def);
    if (!b) this.objects.set(def, (b = new Map()));
    return b;
  }

  private emit(ev: StoreEvent): void {
    this.history.push(ev);
    for (const fn of this.listeners) fn(ev);
  }

  add(obj: K8sObject): K8sObject {
    const def = this.defFor(obj);
    const key = keyOf(def, def.namespaced ? (obj.metadata.namespace ?? 'default') : undefined, obj.metadata.name);
    if (this.bucket(def).has(key)) {
      throw new StatusError(failure(409, 'AlreadyExists', `${def.name} "${obj.metadata.name}" already exists`, { name: obj.metadata.name, kind: def.name }));
    }
    const stored = this.normalize(def, obj);
    this.bucket(def).set(key, stored);
    this.emit({ type: 'ADDED', def, object: stored, rv: this.rv });
    return structuredClone(stored);
  }

  update(obj: K8sObject): K8sObject {
    const def = this.defFor(obj);
    const key = keyOf(def, def.namespaced ? (obj.metadata.namespace ?? 'default') : undefined, obj.metadata.name);
    const prev = this.bucket(def).get(key);
    if (!prev) throw new Error(`fake apiserver: cannot update missing ${def.name} ${key}`);
    const stored = this.normalize(def, obj, prev);
    this.bucket(def).set(key, stored);
    this.emit({ type: 'MODIFIED', def, object: stored, prev, rv: this.rv });
    return structuredClone(stored);
  }

  delete(def: ResourceDef, namespace: string | undefined, name: string): K8sObject | undefined {
    const key = keyOf(def, namespace, name);
    const prev = this.bucket(def).get(key);
    if (!prev) return undefined;
    this.bucket(def).delete(key);
    // A deletion gets its own resourceVersion, carried by the last state of the object.
    const gone = structuredClone(prev);
    gone.metadata.resourceVersion = String(++this.rv);
    this.emit({ type: 'DELETED', def, object: gone, prev, rv: this.rv });
    return structuredClone(gone);
  }

  get(def: ResourceDef, namespace: string | undefined, name: string): K8sObject | undefined {
    const obj = this.bucket(def).get(keyOf(def, namespace, name));
    return obj && structuredClone(obj);
  }

  /** Objects of a resource in key order (namespace, then name), as etcd returns them. */
  private sorted(def: ResourceDef, namespace: string | undefined): Array<[string, K8sObject]> {
    const all = [...this.bucket(def).entries()].filter(([, o]) => namespace === undefined || o.metadata.namespace === namespace);
    return all.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  list(def: ResourceDef, namespace: string | undefined, match: Matcher, opts: { limit?: number; continue?: string; unfiltered: boolean }): ListPage {
    let start = '';
    let rv = this.rv;
    if (opts.continue) ({ start, rv } = this.decodeContinue(opts.continue));
    const matching = this.sorted(def, namespace).filter(([k, o]) => k >= start && match(o));
    const limit = opts.limit && opts.limit > 0 ? opts.limit : matching.length;
    const page = matching.slice(0, limit);
    const page0: ListPage = { items: page.map(([, o]) => structuredClone(o)), resourceVersion: String(rv) };
    const last = page[page.length - 1];
    if (matching.length <= limit || !last) return page0;
    const token = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${last[0]}\u0000` })).toString('base64');
    // etcd3 counts the rest only when no selector filters the scan.
    return { ...page0, continue: token, ...(opts.unfiltered ? { remainingItemCount: matching.length - limit } : {}) };
  }

  private decodeContinue(token: string): { start: string; rv: number } {
    let parsed: { v?: string; rv?: number; start?: string };
    try {
      parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    } catch {
      throw new StatusError(badRequest('continue key is not valid: illegal base64 data at input byte 0'));
    }
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string') {
      throw new StatusError(badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'));
    }
    if (parsed.rv <= this.compactedRv) {
      throw new StatusError(expired(
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
      ));
    }
    return { start: parsed.start, rv: parsed.rv };
  }

  /** Changes after `rv`, or undefined when history before it was compacted away. */
  eventsSince(rv: number): StoreEvent[] | undefined {
    if (rv < this.compactedRv) return undefined;
    return this.history.filter((e) => e.rv > rv);
  }

  oldestRv(): number {
    return this.compactedRv;
  }

  compact(): void {
    this.compactedRv = this.rv;
    this.history = [];
  }

  subscribe(fn: (ev: StoreEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
