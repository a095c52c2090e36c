import { SockError } from '../../errors.ts';
import type { ApiResource, Discovery } from './discovery.ts';

/** No type of that name: kubectl's `the server doesn't have a resource type "x"`. */
export class NoResourceMatchError extends SockError {
  readonly resource: string;
  constructor(resource: string) {
    super('E_NO_MATCH', `the server doesn't have a resource type "${resource}"`);
    this.resource = resource;
  }
}

/**
 * Maps what a user types to a resource type, as kubectl's builder
 * (mappingFor) over client-go's shortcut expander and priority RESTMapper:
 * `resource.version.group` first, then `resource.group` by plural or singular
 * name, then short names, then kinds. Names come from discovery only.
 */
export function resolveResourceType(arg: string, d: Discovery): ApiResource {
  const found = findResourceType(arg, d);
  if (!found) throw new NoResourceMatchError(groupResourceOf(arg).resource);
  return found;
}

export function findResourceType(arg: string, d: Discovery): ApiResource | undefined {
  const parts = arg.split('.');
  // schema.ParseResourceArg: two or more dots name resource.version.group exactly.
  if (parts.length >= 3) {
    const [resource = '', version = ''] = parts;
    const group = parts.slice(2).join('.');
    const exact = byName(d, resource.toLowerCase(), (r) => r.group === group && r.version === version);
    if (exact) return exact;
  }
  const gr = groupResourceOf(arg);
  const inGroup = (r: ApiResource) => gr.group === '' || r.group === gr.group;
  return (
    byName(d, gr.resource.toLowerCase(), (r) => inGroup(r) && r.preferred) ??
    byName(d, gr.resource.toLowerCase(), inGroup) ??
    byGroupPrefix(d, gr) ??
    byKind(d, arg)
  );
}

/**
 * No group is the one typed: a group it begins, as apimachinery's
 * DefaultRESTMapper (`deployments.app`, `storageclass.storage`) and client-go's
 * shortcut expander (`hpa.autoscal`) match it; that group resource's preferred version.
 */
function byGroupPrefix(d: Discovery, gr: { resource: string; group: string }): ApiResource | undefined {
  if (gr.group === '') return undefined;
  const name = gr.resource.toLowerCase();
  const named = (r: ApiResource) => r.resource === name || singularOf(r) === name || r.shortNames.includes(name);
  const hit = d.resources.find((r) => r.group.startsWith(gr.group) && named(r));
  if (!hit) return undefined;
  return d.resources.find((r) => r.group === hit.group && r.resource === hit.resource && r.preferred) ?? hit;
}

/**
 * client-go's shortcut expander warns when the short name it expanded also
 * names other group resources (lower in discovery's priority order): "short
 * name %q could also match lower priority resource %s", once per group resource
 * (several versions of one group resource are no ambiguity). [] when `arg` did
 * not resolve through a short name.
 */
export function shortNameRivals(arg: string, found: ApiResource, d: Discovery): string[] {
  if (arg.split('.').length >= 3 && found.version === arg.split('.')[1]) return [];
  const gr = groupResourceOf(arg);
  const name = gr.resource.toLowerCase();
  if (found.resource === name || singularOf(found) === name || !found.shortNames.includes(name)) return [];
  const rivals: string[] = [];
  for (const r of d.resources) {
    if ((gr.group !== '' && r.group !== gr.group) || !r.shortNames.includes(name)) continue;
    const longForm = groupResourceName(r);
    if (longForm !== groupResourceName(found) && !rivals.includes(longForm)) rivals.push(longForm);
  }
  return rivals.map((lf) => `short name "${name}" could also match lower priority resource ${lf}`);
}

/** schema.ParseGroupResource: what precedes the first dot is the resource, the rest the group. */
function groupResourceOf(arg: string): { resource: string; group: string } {
  const dot = arg.indexOf('.');
  return dot < 0 ? { resource: arg, group: '' } : { resource: arg.slice(0, dot), group: arg.slice(dot + 1) };
}

/** Plural or singular name first; a short name only if no resource has that exact name (client-go shortcut.go). */
function byName(d: Discovery, name: string, accept: (r: ApiResource) => boolean): ApiResource | undefined {
  const candidates = d.resources.filter(accept);
  return (
    candidates.find((r) => r.resource === name) ??
    candidates.find((r) => singularOf(r) === name) ??
    candidates.find((r) => r.shortNames.includes(name))
  );
}

/** schema.ParseKindArg: Kind, Kind.group or Kind.version.group, matched case-insensitively as the RESTMapper does. */
function byKind(d: Discovery, arg: string): ApiResource | undefined {
  const parts = arg.split('.');
  const kind = (parts[0] ?? '').toLowerCase();
  const rest = parts.slice(1);
  const matches = (r: ApiResource) => r.kind.toLowerCase() === kind;
  if (rest.length >= 2) {
    const hit = d.resources.find((r) => matches(r) && r.version === rest[0] && r.group === rest.slice(1).join('.'));
    if (hit) return hit;
  }
  const group = rest.join('.');
  const inGroup = (r: ApiResource) => matches(r) && (group === '' || r.group === group);
  return d.resources.find((r) => inGroup(r) && r.preferred) ?? d.resources.find(inGroup);
}

/** Legacy discovery may omit singularName; client-go then uses the lower-cased kind. */
export function singularOf(r: ApiResource): string {
  return r.singular || r.kind.toLowerCase();
}

/**
 * Expands a category (`all`) to its resource types in discovery order, one
 * version per group resource (the preferred), as kubectl's category expander.
 */
export function expandCategory(category: string, d: Discovery): ApiResource[] {
  const seen = new Set<string>();
  const out: ApiResource[] = [];
  for (const r of d.resources) {
    if (!r.preferred || !r.categories.includes(category)) continue;
    const key = `${r.resource}.${r.group}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(r);
  }
  return out;
}

/** "pods" or "deployments.apps": how kubectl names a group resource in messages. */
export function groupResourceName(r: ApiResource): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

/** The collection path of a resource type: /api/v1/namespaces/ns/pods or /apis/apps/v1/deployments. */
export function collectionPath(r: ApiResource, namespace: string | undefined): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return r.namespaced && namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${r.resource}` : `${base}/${r.resource}`;
}
