// Which pods belong to a workload: kubectl's polymorphichelpers.SelectorsForObject,
// with label selectors rendered as apimachinery's labels.Selector.String().
import { SockError } from '../../errors.ts';

interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

/** metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** A workload object as the API returns it; only what selection reads is typed. */
export interface WorkloadObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string };
  spec?: { selector?: LabelSelector | Record<string, string> | null };
}

/** The API groups whose types kubectl decodes into Go structs; anything else is *unstructured.Unstructured. */
const BUILT_IN_GROUPS = new Set([
  '', 'apps', 'batch', 'extensions', 'autoscaling', 'policy', 'networking.k8s.io', 'rbac.authorization.k8s.io',
  'storage.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'node.k8s.io',
  'certificates.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'apiregistration.k8s.io',
  'events.k8s.io', 'flowcontrol.apiserver.k8s.io', 'resource.k8s.io', 'storagemigration.k8s.io',
  'authentication.k8s.io', 'authorization.k8s.io', 'internal.apiserver.k8s.io',
]);

/** Go's %T of the decoded object, as kubectl's "cannot get the logs from *v1.ConfigMap". */
export function goTypeName(group: string, version: string, kind: string): string {
  return BUILT_IN_GROUPS.has(group) ? `*${version}.${kind}` : '*unstructured.Unstructured';
}

function requirement(key: string, op: string, values: string[]): string {
  const sorted = [...values].sort();
  switch (op) {
    case 'In':
      return `${key} in (${sorted.join(',')})`;
    case 'NotIn':
      return `${key} notin (${sorted.join(',')})`;
    case 'Exists':
      return key;
    case 'DoesNotExist':
      return `!${key}`;
    default:
      throw new SockError('E_SELECTOR', `invalid label selector: "${op}" is not a valid label selector operator`);
  }
}

/** metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key; nil and empty select "" (nothing / everything). */
export function labelSelectorString(sel: LabelSelector | null | undefined): string {
  if (!sel) return '';
  const reqs: Array<[string, string]> = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => [k, `${k}=${v}`]);
  for (const e of sel.matchExpressions ?? []) reqs.push([e.key, requirement(e.key, e.operator, e.values ?? [])]);
  return reqs
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => r)
    .join(',');
}

/** labels.SelectorFromSet(map).String(). */
function setSelectorString(set: Record<string, string>): string {
  return Object.keys(set)
    .sort()
    .map((k) => `${k}=${set[k]}`)
    .join(',');
}

const SELECTOR_KINDS: Record<string, ReadonlySet<string>> = {
  ReplicaSet: new Set(['apps', 'extensions']),
  StatefulSet: new Set(['apps']),
  DaemonSet: new Set(['apps', 'extensions']),
  Deployment: new Set(['apps', 'extensions']),
  Job: new Set(['batch']),
};

/**
 * SelectorsForObject: the namespace and label selector of the pods a
 * workload runs, or kubectl's error for a type without one.
 */
export function selectorForObject(obj: WorkloadObject, group: string, version: string): { namespace: string; selector: string } {
  const kind = obj.kind ?? '';
  const namespace = obj.metadata.namespace ?? '';
  const fail = (why: string): never => {
    throw new SockError('E_SELECTOR', `cannot get the logs from ${goTypeName(group, version, kind)}: ${why}`);
  };
  const spec = obj.spec ?? {};
  if (group === '' && kind === 'ReplicationController') {
    return { namespace, selector: setSelectorString((spec.selector ?? {}) as Record<string, string>) };
  }
  if (group === '' && kind === 'Service') {
    const set = (spec.selector ?? {}) as Record<string, string>;
    if (Object.keys(set).length === 0) fail(`invalid service '${obj.metadata.name}': Service is defined without a selector`);
    return { namespace, selector: setSelectorString(set) };
  }
  if (SELECTOR_KINDS[kind]?.has(group)) {
    try {
      return { namespace, selector: labelSelectorString(spec.selector as LabelSelector | undefined) };
    } catch (err) {
      fail((err as Error).message);
    }
  }
  return fail(`selector for ${goTypeName(group, version, kind)} not implemented`);
}
