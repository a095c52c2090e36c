// The parts of a Pod that `logs` reads, kubectl's ranking of pods for logs
// (kubectl pkg/util/podutils ByLogging) and its container lookups
// (pkg/cmd/util/podcmd).

export interface Container {
  name: string;
}

export interface Pod {
  metadata: { name: string; namespace?: string; creationTimestamp?: string; annotations?: Record<string, string> };
  spec?: { nodeName?: string; containers?: Container[]; initContainers?: Container[]; ephemeralContainers?: Container[] };
  status?: {
    phase?: string;
    conditions?: Array<{ type: string; status: string; lastTransitionTime?: string }>;
    containerStatuses?: Array<{ restartCount?: number }>;
  };
}

/** The annotation that names a pod's default container (KEP-2227). */
export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

const phaseRank: Record<string, number> = { Running: 0, Unknown: 1, Pending: 2 };

function readyCondition(p: Pod) {
  return p.status?.conditions?.find((c) => c.type === 'Ready');
}

function isReady(p: Pod): boolean {
  return readyCondition(p)?.status === 'True';
}

/** Milliseconds, or undefined for Go's zero time. */
function timeOf(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

function readyTime(p: Pod): number | undefined {
  const c = readyCondition(p);
  return c?.status === 'True' ? timeOf(c.lastTransitionTime) : undefined;
}

function maxRestarts(p: Pod): number {
  return Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

/** podutils afterOrZero: is t1 after t2, where a zero time counts as after any other. */
function afterOrZero(t1: number | undefined, t2: number | undefined): boolean {
  if (t1 === undefined || t2 === undefined) return t1 === undefined;
  return t1 > t2;
}

/**
 * podutils.ByLogging's Less as a comparator: assigned before unassigned;
 * Running < Unknown < Pending; ready first; ready longer first; more restarts
 * first; older first.
 */
export function byLogging(a: Pod, b: Pod): number {
  const less = (x: Pod, y: Pod): boolean => {
    const xn = x.spec?.nodeName ?? '';
    const yn = y.spec?.nodeName ?? '';
    if (xn !== yn && (xn === '' || yn === '')) return xn !== '';
    const xp = phaseRank[x.status?.phase ?? ''] ?? 0;
    const yp = phaseRank[y.status?.phase ?? ''] ?? 0;
    if (xp !== yp) return xp < yp;
    if (isReady(x) !== isReady(y)) return isReady(x);
    if (isReady(x) && isReady(y) && readyTime(x) !== readyTime(y)) return afterOrZero(readyTime(y), readyTime(x));
    if (maxRestarts(x) !== maxRestarts(y)) return maxRestarts(x) > maxRestarts(y);
    const xc = timeOf(x.metadata.creationTimestamp);
    const yc = timeOf(y.metadata.creationTimestamp);
    if (xc !== yc) return afterOrZero(yc, xc);
    return false;
  };
  if (less(a, b)) return -1;
  return less(b, a) ? 1 : 0;
}

/** podcmd.FindContainerByName: containers, then init containers, then ephemeral ones; with the reference's field path. */
export function findContainer(pod: Pod, name: string): { container: Container; fieldPath: string } | undefined {
  const spec = pod.spec ?? {};
  const lists: Array<[Container[] | undefined, string]> = [
    [spec.containers, 'containers'],
    [spec.initContainers, 'initContainers'],
    [spec.ephemeralContainers, 'ephemeralContainers'],
  ];
  for (const [list, field] of lists) {
    const container = list?.find((c) => c.name === name);
    if (container) return { container, fieldPath: `spec.${field}{${name}}` };
  }
  return undefined;
}

/** podcmd.AllContainerNames: `app, sidecar, debug (ephem), init1 (init)`. */
export function allContainerNames(pod: Pod): string {
  const spec = pod.spec ?? {};
  return [
    ...(spec.containers ?? []).map((c) => c.name),
    ...(spec.ephemeralContainers ?? []).map((c) => `${c.name} (ephem)`),
    ...(spec.initContainers ?? []).map((c) => `${c.name} (init)`),
  ].join(', ');
}
