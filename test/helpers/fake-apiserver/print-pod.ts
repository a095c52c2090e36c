// Port of printPod from kubernetes/pkg/printers/internalversion/printers.go, so the
// fake's Ready/Status/Restarts cells match what a real server computes.
import { translateTimestampSince } from './duration.ts';

interface ContainerState {
  waiting?: { reason?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode?: number; signal?: number; reason?: string; finishedAt?: string };
}

interface ContainerStatus {
  name: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
}

export interface PodLike {
  metadata: { name: string; creationTimestamp?: string; deletionTimestamp?: string };
  spec?: {
    nodeName?: string;
    containers?: Array<{ name: string }>;
    initContainers?: Array<{ name: string; restartPolicy?: string }>;
    readinessGates?: Array<{ conditionType: string }>;
  };
  status?: {
    phase?: string;
    reason?: string;
    nominatedNodeName?: string;
    podIPs?: Array<{ ip: string }>;
    conditions?: Condition[];
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
  };
}

export interface RowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** Restart counts and the latest restart time (ms since epoch, 0 for none). */
interface Restarts {
  count: number;
  last: number;
}

function addRestarts(acc: Restarts, c: ContainerStatus): void {
  acc.count += c.restartCount ?? 0;
  const finished = c.lastState?.terminated?.finishedAt;
  if (finished !== undefined) acc.last = Math.max(acc.last, Date.parse(finished));
}

function conditionTrue(status: PodLike['status'], type: string): boolean {
  return (status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

function terminatedReason(t: NonNullable<ContainerState['terminated']>, prefix: string): string {
  if (t.reason) return prefix + t.reason;
  return t.signal ? `${prefix}Signal:${t.signal}` : `${prefix}ExitCode:${t.exitCode ?? 0}`;
}

interface InitResult {
  reason?: string;
  ready: number;
  all: Restarts;
  sidecars: Restarts;
}

/** Walks init containers as printPod does; `reason` is set while the pod initializes. */
function initState(pod: PodLike): InitResult {
  const inits = pod.spec?.initContainers ?? [];
  const restartable = new Set(inits.filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const out: InitResult = { ready: 0, all: { count: 0, last: 0 }, sidecars: { count: 0, last: 0 } };
  const statuses = pod.status?.initContainerStatuses ?? [];
  for (const [i, c] of statuses.entries()) {
    addRestarts(out.all, c);
    if (restartable.has(c.name)) addRestarts(out.sidecars, c);
    const term = c.state?.terminated;
    if (term && (term.exitCode ?? 0) === 0) continue;
    if (restartable.has(c.name) && c.started) {
      if (c.ready) out.ready++;
      continue;
    }
    const waiting = c.state?.waiting?.reason;
    if (term) out.reason = terminatedReason(term, 'Init:');
    else if (waiting && waiting !== 'PodInitializing') out.reason = `Init:${waiting}`;
    else out.reason = `Init:${i}/${inits.length}`;
    break;
  }
  return out;
}

function readinessGates(pod: PodLike): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const conds = pod.status?.conditions ?? [];
  const ok = gates.filter((g) => conds.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return `${ok}/${gates.length}`;
}

export function podConditions(pod: PodLike): RowCondition[] | undefined {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded') return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
  if (phase === 'Failed') return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
  return undefined;
}

export function podCells(pod: PodLike, now: number): unknown[] {
  const status = pod.status ?? {};
  const inits = pod.spec?.initContainers ?? [];
  const total = (pod.spec?.containers ?? []).length + inits.filter((c) => c.restartPolicy === 'Always').length;
  let reason = status.reason || status.phase || '';
  if ((status.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';
  const init = initState(pod);
  let ready = init.ready;
  let restarts = init.all;
  if (init.reason !== undefined) reason = init.reason;
  if (init.reason === undefined || conditionTrue(status, 'Initialized')) {
    restarts = { ...init.sidecars };
    let hasRunning = false;
    const cs = status.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i] as ContainerStatus;
      addRestarts(restarts, c);
      const term = c.state?.terminated;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (term) reason = terminatedReason(term, '');
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(status, 'Ready') ? 'Running' : 'NotReady';
  }
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && status.phase !== 'Failed' && status.phase !== 'Succeeded') reason = 'Terminating';
  let restartsStr = String(restarts.count);
  if (restarts.count !== 0 && restarts.last > 0) restartsStr = `${restarts.count} (${translateTimestampSince(new Date(restarts.last).toISOString(), now)} ago)`;
  return [
    pod.metadata.name, `${ready}/${total}`, reason, restartsStr, translateTimestampSince(pod.metadata.creationTimestamp, now),
    status.podIPs?.[0]?.ip || '<none>', pod.spec?.nodeName || '<none>', status.nominatedNodeName || '<none>', readinessGates(pod),
  ];
}
