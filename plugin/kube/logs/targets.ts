// Which containers' logs are read: kubectl's logsForObjectWithClient for a Pod,
// default container and its stderr notes included, in a fixed order.
import { SockError } from '../../errors.ts';
import { allContainerNames, DEFAULT_CONTAINER_ANNOTATION, findContainer, type Pod } from './pods.ts';

/** One log stream: a container of a pod. */
export interface LogTarget {
  namespace: string;
  pod: string;
  container: string;
}

/** kubectl's `[pod/NAME/CONTAINER] ` prefix. */
export function prefixOf(t: LogTarget): string {
  return `[pod/${t.pod}/${t.container}] `;
}

export interface ContainerChoice {
  /** -c or the inline CONTAINER ('' for the default). */
  container: string;
  allContainers: boolean;
  /** --all-pods silences "Defaulted container". */
  allPods: boolean;
  /** Where kubectl's notes go (os.Stderr in kubectl). */
  warn(line: string): void;
}

/**
 * The streams of one pod: every container (init, regular, ephemeral, in spec
 * order) with --all-containers, else the named one or the default one.
 */
export function targetsForPod(pod: Pod, choice: ContainerChoice): LogTarget[] {
  const spec = pod.spec ?? {};
  if (!choice.allContainers) return [oneContainer(pod, choice)];
  const names = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name);
  return names.map((name) => oneContainer(pod, { ...choice, container: name, allContainers: false, allPods: false }));
}

function oneContainer(pod: Pod, choice: ContainerChoice): LogTarget {
  const name = pod.metadata.name;
  let container = choice.container || annotatedDefault(pod, choice.warn);
  if (container === '') {
    const spec = pod.spec ?? {};
    const first = spec.containers?.[0];
    // kubectl indexes Containers[0] here and panics on a pod without containers.
    if (!first) throw new SockError('E_NO_CONTAINER', `pod ${name} does not have any containers`);
    container = first.name;
    const more = (spec.containers?.length ?? 0) > 1 || (spec.initContainers?.length ?? 0) > 0 || (spec.ephemeralContainers?.length ?? 0) > 0;
    if (more && !choice.allPods) choice.warn(`Defaulted container ${JSON.stringify(container)} out of: ${allContainerNames(pod)}`);
  }
  if (!findContainer(pod, container)) throw new SockError('E_NO_CONTAINER', `container ${container} is not valid for pod ${name}`);
  return { namespace: pod.metadata.namespace ?? '', pod: name, container };
}

/** The kubectl.kubernetes.io/default-container annotation, if it names a container of the pod. */
function annotatedDefault(pod: Pod, warn: (line: string) => void): string {
  const wanted = pod.metadata.annotations?.[DEFAULT_CONTAINER_ANNOTATION] ?? '';
  if (wanted === '') return '';
  if (findContainer(pod, wanted)) return wanted;
  warn(`Default container name ${JSON.stringify(wanted)} not found in pod ${pod.metadata.name}`);
  return '';
}
