// `logs` end to end, minus the flags: look up what was named (kubectl's
// Complete builder step), then pods → containers → streams (RunLogs).
import type { Writable } from 'node:stream';
import type { ApiResource } from '../discovery/discovery.ts';
import type { LogsClient } from './logs-client.ts';
import { runStreams, type EngineResult } from './engine.ts';
import type { LogsOptions } from './options.ts';
import { lookupSource, podsOf, type LogSource } from './resolve.ts';
import { targetsForPod } from './targets.ts';

/** What `logs` uses from outside: the API and the standard streams. */
export interface LogsEnv {
  client: LogsClient;
  resourceType(name: string): Promise<ApiResource>;
  out: Writable;
  errOut: Writable;
  signal: AbortSignal;
  now(): number;
}

function warner(env: LogsEnv): (line: string) => void {
  return (line) => env.errOut.write(`${line}\n`);
}

/** The builder step of kubectl's Complete: GET the named object or list pods by selector. */
export function lookupLogSource(env: LogsEnv, o: LogsOptions): Promise<LogSource> {
  return lookupSource(env, o.namespace, o.resourceArg, o.selector, warner(env));
}

/** kubectl's RunLogs: every stream is decided (with kubectl's stderr notes) before any is read. */
export async function runLogs(env: LogsEnv, o: LogsOptions, src: LogSource): Promise<EngineResult> {
  const warn = warner(env);
  const pods = await podsOf(env.client, src, { allPods: o.allPods, podRunningTimeoutMs: o.podRunningTimeoutMs, signal: env.signal, warn });
  const choice = { container: o.params.container, allContainers: o.allContainers, allPods: o.allPods, warn };
  const targets = pods.flatMap((pod) => targetsForPod(pod, choice));
  return runStreams({ client: env.client, out: env.out, signal: env.signal, now: env.now }, targets, {
    params: o.params,
    prefix: o.prefix,
    ignoreErrors: o.ignoreErrors,
    maxLogRequests: o.maxLogRequests,
    podRunningTimeoutMs: o.podRunningTimeoutMs,
  });
}
