/**
 * Turns `get` arguments into requests, as cli-runtime resource.Builder's
 * ResourceTypeOrNameArgs and visitorResult do: `TYPE`, `TYPE1,TYPE2`,
 * `TYPE NAME…` (several types × several names become TYPE/NAME pairs),
 * `TYPE/NAME…`, categories such as `all`, and kubectl's error for each
 * combination it refuses, in kubectl's order.
 */
import { SockError } from '../../errors.ts';
import type { ApiResource, Discovery } from '../discovery/discovery.ts';
import type { Plan, Visit } from './options.ts';

/** What the builder needs from the command's Factory. */
export interface BuilderDeps {
  resourceType(name: string): Promise<ApiResource>;
  discovery(): Promise<Discovery>;
}

/** The flags and arguments the builder reads. */
export interface BuildInput {
  args: string[];
  namespace: string;
  allNamespaces: boolean;
  labelSelector: string;
  fieldSelector: string;
  subresource: string;
  /** watch: SingleResourceType(). */
  singleResourceType: boolean;
  /** How kubectl names itself in the TYPE/NAME hint ('kubectl sock'). */
  commandName: string;
}

function builderError(message: string): SockError {
  return new SockError('E_GET_ARGS', message);
}

/** resource.SplitResourceArgument: comma-separated, duplicates dropped, order kept. */
export function splitResourceArgument(arg: string): string[] {
  return [...new Set(arg.split(','))];
}

/** normalizeMultipleResourcesArgs: `a,b x y` becomes a/x a/y b/x b/y. */
function normalizeArgs(args: string[]): string[] {
  if (args.length < 2) return args;
  const types = splitResourceArgument(args[0] as string);
  if (types.length < 2) return args;
  return types.flatMap((t) => args.slice(1).map((n) => `${t}/${n}`));
}

interface Tuple {
  resource: string;
  name: string;
}

function splitTypeName(s: string): Tuple {
  const seg = s.split('/');
  if (seg.length !== 2) throw builderError('arguments in resource/name form may not have more than one slash');
  const [resource = '', name = ''] = seg;
  if (!resource || !name || splitResourceArgument(resource).length !== 1) {
    throw builderError('arguments in resource/name form must have a single resource and name');
  }
  return { resource, name };
}

/** ReplaceAliases: each comma part that is a category becomes its resources. */
async function replaceAliases(arg: string, deps: BuilderDeps): Promise<string> {
  const { expandCategory } = await import('../discovery/rest-mapper.ts');
  const d = await deps.discovery();
  return arg
    .split(',')
    .map((part) => {
      const found = expandCategory(part, d);
      return found.length > 0 ? found.map((r) => (r.group ? `${r.resource}.${r.group}` : r.resource)).join(',') : part;
    })
    .join(',');
}

/** The requests for `args`, or kubectl's error for them. */
export async function buildPlan(input: BuildInput, deps: BuilderDeps): Promise<Plan> {
  const args = normalizeArgs([...input.args]);
  const slashed = args.filter((a) => a.includes('/')).length;
  if (slashed > 0 && slashed !== args.length) {
    const c = input.commandName;
    throw builderError(`there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. '${c} get resource/<resource_name>' instead of '${c} get resource resource/<resource_name>'`);
  }
  const tuples = slashed > 0 ? args.map(splitTypeName) : [];
  let names: string[] = [];
  let types: string[] = [];
  let labelSelector: string | undefined = input.labelSelector.trim() || undefined;
  const fieldSelector = input.fieldSelector.trim() || undefined;
  if (slashed === 0 && args.length > 0) {
    types = splitResourceArgument(await replaceAliases(args[0] as string, deps));
    names = args.slice(1);
    // allowEmptySelector: a bare type lists everything.
    if (args.length === 1) labelSelector ??= '';
  }
  if (labelSelector !== undefined || fieldSelector !== undefined) return bySelector(input, deps, types, names, tuples);
  if (tuples.length > 0) return byTuples(input, deps, tuples);
  if (names.length > 0) return byName(input, deps, types, names);
  throw builderError(
    "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
  );
}

/** resourceMappings: one mapping per group-version-kind, first unknown name fails. */
async function mappings(deps: BuilderDeps, types: string[], single: boolean): Promise<ApiResource[]> {
  if (types.length > 1 && single) throw builderError('you may only specify a single resource type');
  const out: ApiResource[] = [];
  const seen = new Set<string>();
  for (const t of types) {
    const r = await deps.resourceType(t);
    const gvk = `${r.group}/${r.version}/${r.kind}`;
    if (seen.has(gvk)) continue;
    seen.add(gvk);
    out.push(r);
  }
  return out;
}

async function bySelector(input: BuildInput, deps: BuilderDeps, types: string[], names: string[], tuples: Tuple[]): Promise<Plan> {
  if (names.length > 0) throw builderError('name cannot be provided when a selector is specified');
  if (tuples.length > 0) throw builderError('selectors and the all flag cannot be used when passing resource/name arguments');
  if (types.length === 0) throw builderError('at least one resource must be specified to use a selector');
  if (input.subresource) throw builderError('subresource cannot be used when bulk resources are specified');
  const resources = await mappings(deps, types, input.singleResourceType);
  const visits = resources.map((resource) => ({ resource, namespace: resource.namespaced ? input.namespace : '' }));
  return { visits, singleItemImplied: false };
}

function namedVisit(input: BuildInput, resource: ApiResource, name: string): Visit {
  if (resource.namespaced && !input.namespace) {
    throw builderError(input.allNamespaces ? 'a resource cannot be retrieved by name across all namespaces' : 'namespace may not be empty when retrieving a resource by name');
  }
  const visit: Visit = { resource, namespace: resource.namespaced ? input.namespace : '', name };
  if (input.subresource) visit.subresource = input.subresource;
  return visit;
}

async function byTuples(input: BuildInput, deps: BuilderDeps, tuples: Tuple[]): Promise<Plan> {
  const byType = new Map<string, ApiResource>();
  for (const t of tuples) if (!byType.has(t.resource)) byType.set(t.resource, await deps.resourceType(t.resource));
  const canonical = new Set([...byType.values()].map((r) => `${r.group}/${r.version}/${r.resource}`));
  if (canonical.size > 1 && input.singleResourceType) throw builderError('you may only specify a single resource type');
  const visits = tuples.map((t) => namedVisit(input, byType.get(t.resource) as ApiResource, t.name));
  return { visits, singleItemImplied: tuples.length === 1 };
}

async function byName(input: BuildInput, deps: BuilderDeps, types: string[], names: string[]): Promise<Plan> {
  if (types.length === 0) throw builderError('you must provide a resource and a resource name together');
  if (types.length > 1) throw builderError('you must specify only one resource');
  const [resource] = await mappings(deps, types, input.singleResourceType);
  const visits = names.map((n) => namedVisit(input, resource as ApiResource, n));
  return { visits, singleItemImplied: names.length === 1 };
}
