// Waiting for a workload's first pod: a watch from the list's resourceVersion
// until a pod is ADDED or MODIFIED, bounded by --pod-running-timeout
// (client-go watchtools.UntilWithoutRetry as GetPodList uses it).
import { SockError } from '../../errors.ts';
import type { LogsClient } from './logs-client.ts';
import type { Pod } from './pods.ts';

interface WatchEvent {
  type?: string;
  object?: Pod;
}

/** wait.ErrWaitTimeout's text, which kubectl prints. */
const TIMED_OUT = 'timed out waiting for the condition';

/** Resolves with the first pod the watch reports; rejects with kubectl's timeout error. */
export async function waitForPod(client: LogsClient, path: string, query: Record<string, string>, timeoutMs: number, signal: AbortSignal): Promise<Pod> {
  const res = await client.stream({ path, query: { ...query, watch: 'true' }, about: { resource: 'pods' } }, signal);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    res.close();
  }, timeoutMs);
  try {
    const pod = await firstPodEvent(res.body);
    if (pod) return pod;
  } catch (err) {
    if (!timedOut) throw err;
  } finally {
    clearTimeout(timer);
    res.close();
  }
  if (timedOut) throw new SockError('E_TIMEOUT', TIMED_OUT);
  // UntilWithoutRetry's ErrWatchClosed: the server ended the watch first.
  throw new SockError('E_WATCH_CLOSED', 'watch closed before UntilWithoutRetry timeout');
}

/** Reads newline-delimited watch events until an ADDED or MODIFIED pod. */
async function firstPodEvent(body: AsyncIterable<Buffer>): Promise<Pod | undefined> {
  let pending = '';
  for await (const chunk of body) {
    pending += chunk.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line === '') continue;
      const ev = JSON.parse(line) as WatchEvent;
      if ((ev.type === 'ADDED' || ev.type === 'MODIFIED') && ev.object) return ev.object;
    }
  }
  return undefined;
}
