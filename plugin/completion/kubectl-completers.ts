// kubectl's completion functions (k8s.io/kubectl pkg/util/completion), over
// CompletionSources instead of a Factory: same candidates, same directives.
import { Directive, type Completion } from './directive.ts';
import type { Completer, CompletionSources } from './model.ts';

const startingWith = (prefix: string) => (s: string) => s.startsWith(prefix);

/** cmdutil.Difference: the candidates not already on the line. */
function difference(candidates: string[], typed: readonly string[]): string[] {
  const seen = new Set(typed);
  return candidates.filter((c) => !seen.has(c));
}

/** cobra.FixedCompletions filtered by prefix, as kubectl registers for -o and --subresource. */
export function fixedValues(values: readonly string[]): Completer {
  return (_s, _args, toComplete) => ({ candidates: values.filter(startingWith(toComplete)), directive: Directive.NoFileComp });
}

/** cobra's ValidArgs: offered for the first argument only; later ones get the default directive. */
export function validArgs(values: readonly string[]): Completer {
  return (_s, args, toComplete) =>
    args.length === 0 ? { candidates: values.filter(startingWith(toComplete)), directive: Directive.NoFileComp } : { candidates: [], directive: Directive.Default };
}

/** --namespace: the namespaces on the server (kubectl's CompGetResource(f, "namespace", …)). */
export const namespaceValues: Completer = async (s, _args, toComplete) => ({
  candidates: (await s.resourceNames('namespace')).filter(startingWith(toComplete)),
  directive: Directive.NoFileComp,
});

/** --context, --cluster, --user: names in the kubeconfig (ListContextsInConfig and friends). */
export function kubeconfigValues(pick: (s: CompletionSources) => Promise<string[]>): Completer {
  return async (s, _args, toComplete) => ({ candidates: (await pick(s)).filter(startingWith(toComplete)), directive: Directive.NoFileComp });
}

/** compGetResourceList: resource types, completing the last of a comma list (`pods,se` → `pods,secrets`). */
async function resourceTypes(s: CompletionSources, toComplete: string): Promise<string[]> {
  const comma = toComplete.lastIndexOf(',');
  const prefix = comma < 0 ? '' : toComplete.slice(0, comma + 1);
  const last = toComplete.slice(comma + 1);
  return (await s.resourceTypes()).filter(startingWith(last)).map((t) => prefix + t);
}

/** CompGetResource: the names of a type that start with the word. */
async function names(s: CompletionSources, type: string, toComplete: string): Promise<string[]> {
  return (await s.resourceNames(type)).filter(startingWith(toComplete));
}

/**
 * ResourceTypeAndNameCompletionFunc (get): a type first, then its names
 * (minus those already typed); or, in the TYPE/NAME form, `type/` without a
 * space, then `type/name`.
 */
export const resourceTypeAndName: Completer = async (s, args, toComplete) => {
  const [first] = args;
  if (first !== undefined && !first.includes('/')) {
    return { candidates: difference(await names(s, first, toComplete), args.slice(1)), directive: Directive.NoFileComp };
  }
  const slash = toComplete.indexOf('/');
  if (slash < 0) {
    if (args.length === 0) return { candidates: await resourceTypes(s, toComplete), directive: Directive.NoFileComp };
    // The first argument was TYPE/NAME: every one after it must be too.
    const types = await resourceTypes(s, toComplete);
    return { candidates: types.map((t) => `${t}/`), directive: Directive.NoFileComp | Directive.NoSpace };
  }
  const type = toComplete.slice(0, slash);
  const found = (await names(s, type, toComplete.slice(slash + 1))).map((n) => `${type}/${n}`);
  return { candidates: difference(found, args), directive: Directive.NoFileComp };
};

/** The types kubectl offers as `type/` beside pod names: those that own pods. */
const RESOURCES_WITH_PODS = ['daemonsets', 'deployments', 'pods', 'jobs', 'replicasets', 'replicationcontrollers', 'services', 'statefulsets'];

/** doPodResourceCompletion: pod names and `type/` for the types that own pods; or `type/name`. */
async function podResource(s: CompletionSources, toComplete: string): Promise<Completion> {
  const slash = toComplete.indexOf('/');
  if (slash >= 0) {
    const type = toComplete.slice(0, slash);
    return { candidates: (await names(s, type, toComplete.slice(slash + 1))).map((n) => `${type}/${n}`), directive: Directive.NoFileComp };
  }
  const pods = await names(s, 'pod', toComplete);
  // With no pod to offer, only `type/` remains: no space after it.
  const directive = pods.length === 0 ? Directive.NoFileComp | Directive.NoSpace : Directive.NoFileComp;
  return { candidates: [...pods, ...RESOURCES_WITH_PODS.filter(startingWith(toComplete)).map((r) => `${r}/`)], directive };
}

/** PodResourceNameAndContainerCompletionFunc (logs): a pod (or TYPE/NAME), then one of its containers. */
export const podResourceAndContainer: Completer = async (s, args, toComplete) => {
  if (args.length === 0) return podResource(s, toComplete);
  if (args.length === 1) return { candidates: (await s.containers(args[0] as string)).filter(startingWith(toComplete)), directive: Directive.NoFileComp };
  return { candidates: [], directive: Directive.NoFileComp };
};
