// Completion's view of the cluster and the kubeconfig, through the same
// Factory the commands use, so --server (unix:// included), --context,
// --kubeconfig and -n typed earlier on the line choose what is listed.
import type { Ctx } from '../context.ts';
import type { Invocation } from '../cli/command.ts';
import type { FlagValue } from '../cli/flags.ts';
import { logsClient, newFactory, type Factory } from '../commands/factory.ts';
import type { ApiResource } from '../kube/discovery/discovery.ts';
import type { LogsClient } from '../kube/logs/logs-client.ts';
import type { CompletionSources } from './model.ts';

/**
 * How long one completion may wait for the server. kubectl sets none (a TODO
 * in its completion code asks for 5s); a shell waiting on a dead server is
 * worse than no candidates.
 */
export const COMPLETION_TIMEOUT_MS = 5000;

interface NamedList {
  metadata?: { continue?: string };
  items?: { metadata?: { name?: string } }[];
}

interface PodSpecView {
  spec?: { initContainers?: { name: string }[]; containers?: { name: string }[] };
}

/** Sources for one completion; `close` releases the connection. Errors become empty answers. */
export function clusterSources(ctx: Ctx, flags: ReadonlyMap<string, FlagValue>): CompletionSources & { close(): Promise<void> } {
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(COMPLETION_TIMEOUT_MS)]);
  const cctx: Ctx = { ...ctx, signal };
  const inv: Invocation = { commandPath: 'kubectl sock __complete', args: [], flags, dashAt: -1 };
  const f = newFactory(cctx, inv);
  let client: Promise<LogsClient> | undefined;
  const getClient = () => (client ??= logsClient(cctx, f));
  const quiet = async <T>(fn: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await fn();
    } catch {
      return fallback;
    }
  };
  const names = (kind: 'contexts' | 'clusters' | 'users') => () => quiet(() => kubeconfigNames(ctx, flags, kind), []);
  return {
    resourceNames: (type) => quiet(() => listNames(f, getClient, type), []),
    resourceTypes: () => quiet(() => resourceTypeNames(f), []),
    containers: (podArg) => quiet(() => containerNames(f, getClient, signal, podArg), []),
    contexts: names('contexts'),
    clusters: names('clusters'),
    users: names('users'),
    async close() {
      await (await client?.catch(() => undefined))?.close();
      await f.close();
    },
  };
}

/**
 * `kubectl get TYPE[,TYPE…]` reduced to names (kubectl's CompGetResource runs
 * get with a go-template): the current namespace, every page, types in the order given.
 */
async function listNames(f: Factory, getClient: () => Promise<LogsClient>, typeArg: string): Promise<string[]> {
  const [{ collectionPath, expandCategory }, config] = await Promise.all([import('../kube/discovery/rest-mapper.ts'), f.restConfig()]);
  const out: string[] = [];
  for (const t of typeArg.split(',')) {
    if (t === '') continue;
    let types: ApiResource[];
    try {
      types = [await f.resourceType(t)];
    } catch (err) {
      types = expandCategory(t, await f.discovery());
      if (types.length === 0) throw err;
    }
    for (const r of types) {
      const path = collectionPath(r, config.namespace);
      let cont = '';
      do {
        const list: NamedList = await (await getClient()).json<NamedList>({ path, query: { limit: '500', ...(cont ? { continue: cont } : {}) } });
        for (const item of list.items ?? []) if (item.metadata?.name) out.push(item.metadata.name);
        cont = list.metadata?.continue ?? '';
      } while (cont);
    }
  }
  return out;
}

/**
 * `kubectl api-resources -o name --cached --verbs=get`: one version per group
 * resource (the preferred when served there, client-go's ServerPreferredResources),
 * sorted by group then name, `name.group` outside the core group.
 */
async function resourceTypeNames(f: Factory): Promise<string[]> {
  const byGroupResource = new Map<string, ApiResource>();
  for (const r of (await f.discovery()).resources) {
    if (!r.verbs.includes('get')) continue;
    const key = `${r.group}/${r.resource}`;
    if (byGroupResource.has(key) && !r.preferred) continue;
    byGroupResource.set(key, r);
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...byGroupResource.values()]
    .sort((a, b) => cmp(a.group, b.group) || cmp(a.resource, b.resource))
    .map((r) => (r.group ? `${r.resource}.${r.group}` : r.resource));
}

/**
 * CompGetContainers: the pod's init containers then containers. `TYPE/NAME`
 * names the pod as logs would pick it (kubectl: AttachablePodForObjectFn with a
 * 100ms wait for completion).
 */
async function containerNames(f: Factory, getClient: () => Promise<LogsClient>, signal: AbortSignal, podArg: string): Promise<string[]> {
  const [{ lookupSource, podsOf }, config, client] = await Promise.all([import('../kube/logs/resolve.ts'), f.restConfig(), getClient()]);
  const api = { client, resourceType: (name: string) => f.resourceType(name) };
  const quiet = () => undefined;
  const src = await lookupSource(api, config.namespace, podArg, '', quiet);
  const [pod] = await podsOf(client, src, { allPods: false, podRunningTimeoutMs: 100, signal, warn: quiet });
  const spec = (pod as PodSpecView | undefined)?.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.name);
}

/** Context, cluster or user names of the kubeconfig the line selects (--kubeconfig, else KUBECONFIG, else ~/.kube/config), sorted. */
async function kubeconfigNames(ctx: Ctx, flags: ReadonlyMap<string, FlagValue>, kind: 'contexts' | 'clusters' | 'users'): Promise<string[]> {
  const { loadKubeconfig } = await import('../kube/clientcmd/kubeconfig.ts');
  const explicit = flags.get('kubeconfig');
  const merged = await loadKubeconfig({ explicitPath: typeof explicit === 'string' && explicit ? explicit : undefined, env: ctx.env, home: ctx.home, cwd: ctx.cwd });
  return [...merged[kind].keys()].sort();
}
