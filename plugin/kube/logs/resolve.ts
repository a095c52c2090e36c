// From `POD`, `TYPE/NAME` or `-l` to the pods whose logs are read: kubectl's
// resource builder step of LogsOptions.Complete, then LogsForObject's
// controller-to-pods step (polymorphichelpers logsforobject.go, helpers.go).
import { ApiError, SockError } from '../../errors.ts';
import type { LogsClient } from './logs-client.ts';
import type { ApiResource } from '../discovery/discovery.ts';
import { collectionPath } from '../discovery/rest-mapper.ts';
import { byLogging, type Pod } from './pods.ts';
import { selectorForObject, type WorkloadObject } from './selectors.ts';
import { waitForPod } from './wait-for-pod.ts';

/** What `logs` needs from the API: a client and the type lookup (the Factory's). */
export interface LogsApi {
  client: LogsClient;
  resourceType(name: string): Promise<ApiResource>;
}

/** What the name or selector found. */
export type LogSource =
  | { kind: 'pod'; pod: Pod }
  | { kind: 'podList'; pods: Pod[] }
  | { kind: 'workload'; object: WorkloadObject; type: ApiResource };

/** The core v1 pods type: a bare POD needs no discovery. */
const PODS: ApiResource = {
  group: '', version: 'v1', resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true,
  shortNames: ['po'], categories: ['all'], verbs: [], preferred: true,
};

interface PodList {
  metadata?: { resourceVersion?: string };
  items?: Pod[];
}

/** cli-runtime's splitResourceTypeName: `TYPE/NAME`, or a bare name of the default type. */
export function splitResourceArg(arg: string): { type?: string; name: string } {
  if (!arg.includes('/')) return { name: arg };
  const seg = arg.split('/');
  if (seg.length !== 2) throw new SockError('E_USAGE', 'arguments in resource/name form may not have more than one slash');
  const [type = '', name = ''] = seg;
  if (type === '' || name === '' || new Set(type.split(',')).size !== 1) {
    throw new SockError('E_USAGE', 'arguments in resource/name form must have a single resource and name');
  }
  return { type, name };
}

/** The builder step: GET the named object, or list pods by the selector. */
export async function lookupSource(api: LogsApi, namespace: string, resourceArg: string, selector: string, warn: (line: string) => void): Promise<LogSource> {
  if (selector !== '') {
    const pods = await listPodsBySelector(api.client, namespace, selector);
    if (pods.length === 0) warn(`No resources found in ${namespace} namespace.`);
    return { kind: 'podList', pods };
  }
  const { type, name } = splitResourceArg(resourceArg);
  const r = type === undefined ? PODS : await api.resourceType(type);
  let obj: WorkloadObject;
  try {
    obj = await api.client.json<WorkloadObject>({ path: `${collectionPath(r, namespace)}/${encodeURIComponent(name)}` });
  } catch (err) {
    // kubectl: fmt.Errorf("error from server (NotFound): %w in namespace %q", err, o.Namespace)
    if (err instanceof ApiError && err.reason === 'NotFound') {
      throw new SockError('E_NOT_FOUND', `error from server (NotFound): ${err.message} in namespace ${JSON.stringify(namespace)}`);
    }
    throw err;
  }
  if (r.group === '' && r.kind === 'Pod') return { kind: 'pod', pod: obj as unknown as Pod };
  return { kind: 'workload', object: obj, type: r };
}

/** The selector visitor's list; its BadRequest/NotFound messages gain cli-runtime's "Unable to find …" lead. */
async function listPodsBySelector(client: LogsClient, namespace: string, selector: string): Promise<Pod[]> {
  try {
    const list = await client.json<PodList>({ path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, query: { labelSelector: selector } });
    return list.items ?? [];
  } catch (err) {
    if (err instanceof ApiError && (err.reason === 'BadRequest' || err.reason === 'NotFound')) {
      const message = `Unable to find "/v1, Resource=pods" that match label selector ${JSON.stringify(selector)}, field selector "": ${err.message}`;
      throw new ApiError(err.status, err.reason, message, err.body);
    }
    throw err;
  }
}

export interface PodChoice {
  allPods: boolean;
  podRunningTimeoutMs: number;
  signal: AbortSignal;
  warn(line: string): void;
}

/**
 * LogsForObject's step from object to pods: a pod is itself, a list is its
 * items, a workload is its pods ranked ByLogging (the first one, with
 * "Found N pods, using pod/X", unless --all-pods), waited for when none exist yet.
 */
export async function podsOf(client: LogsClient, src: LogSource, choice: PodChoice): Promise<Pod[]> {
  if (src.kind === 'pod') return [src.pod];
  if (src.kind === 'podList') return src.pods;
  const { namespace, selector } = selectorForObject(src.object, src.type.group, src.type.version);
  const pods = await podsBySelector(client, namespace, selector, choice);
  const [first] = pods;
  if (!first || pods.length === 1 || choice.allPods) return pods;
  choice.warn(`Found ${pods.length} pods, using pod/${first.metadata.name}`);
  return [first];
}

/** polymorphichelpers.GetPodList: list by selector (sorted ByLogging); if empty, watch until one appears. */
async function podsBySelector(client: LogsClient, namespace: string, selector: string, choice: PodChoice): Promise<Pod[]> {
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
  const query: Record<string, string> = selector === '' ? {} : { labelSelector: selector };
  const list = await client.json<PodList>({ path, query });
  const items = list.items ?? [];
  if (items.length > 0) return [...items].sort(byLogging);
  const pod = await waitForPod(client, path, { ...query, resourceVersion: list.metadata?.resourceVersion ?? '' }, choice.podRunningTimeoutMs, choice.signal);
  return [pod];
}
