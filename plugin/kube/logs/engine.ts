// Many streams: one after the other without -f, all at once with -f (up to
// --max-log-requests), as kubectl's RunLogs; always in a fixed order (pods in
// list order, containers init → regular → ephemeral) instead of Go map order.
import { SockError } from '../../errors.ts';
import type { Writable } from 'node:stream';
import type { LogsClient } from './logs-client.ts';
import type { PodLogParams } from './options.ts';
import { consumeStream, writeOut, type StreamContext, type StreamPlan } from './stream.ts';
import type { LogTarget } from './targets.ts';
import { isBackendTlsError } from './report.ts';

export interface EngineOptions {
  params: PodLogParams;
  prefix: boolean;
  ignoreErrors: boolean;
  maxLogRequests: number;
  podRunningTimeoutMs: number;
}

export interface EngineContext {
  client: LogsClient;
  out: Writable;
  signal: AbortSignal;
  now(): number;
}

/** What happened besides the output: whether a stream failed on the kubelet's certificate (for the hint). */
export interface EngineResult {
  backendTlsError: boolean;
}

/** Streams every target to stdout; throws the first error unless --ignore-errors. */
export async function runStreams(ec: EngineContext, targets: readonly LogTarget[], o: EngineOptions): Promise<EngineResult> {
  const parallel = o.params.follow && targets.length > 1;
  if (parallel && targets.length > o.maxLogRequests) {
    throw new SockError(
      'E_MAX_LOG_REQUESTS',
      `you are attempting to follow ${targets.length} log streams, but maximum allowed concurrency is ${o.maxLogRequests}, use --max-log-requests to increase the limit`,
    );
  }
  const plans = targets.map((target) => planFor(target, o, parallel));
  return parallel ? parallelStreams(ec, plans, o.ignoreErrors) : sequentialStreams(ec, plans, o.ignoreErrors);
}

function planFor(target: LogTarget, o: EngineOptions, parallel: boolean): StreamPlan {
  return {
    target,
    params: { ...o.params, container: target.container },
    prefix: o.prefix,
    wholeLines: parallel,
    // --limit-bytes counts the bytes the kubelet sends: internal timestamps would change what it cuts.
    resumable: o.params.follow && o.params.limitBytes === undefined,
    retryWindowMs: o.podRunningTimeoutMs,
  };
}

/** kubectl's `error: %v` line for --ignore-errors: the error's own text. */
function inlineError(err: unknown): Buffer {
  return Buffer.from(`error: ${err instanceof Error ? err.message : String(err)}\n`);
}

async function sequentialStreams(ec: EngineContext, plans: StreamPlan[], ignoreErrors: boolean): Promise<EngineResult> {
  const result: EngineResult = { backendTlsError: false };
  const sc: StreamContext = { client: ec.client, out: ec.out, signal: ec.signal, now: ec.now };
  for (const plan of plans) {
    try {
      await consumeStream(sc, plan);
    } catch (err) {
      if (ec.signal.aborted) throw err;
      result.backendTlsError ||= isBackendTlsError(err);
      if (!ignoreErrors) throw err;
      await writeOut(ec.out, inlineError(err), ec.signal);
    }
  }
  return result;
}

/** kubectl's parallelConsumeRequest: the first error stops every stream, unless --ignore-errors. */
async function parallelStreams(ec: EngineContext, plans: StreamPlan[], ignoreErrors: boolean): Promise<EngineResult> {
  const result: EngineResult = { backendTlsError: false };
  const stopAll = new AbortController();
  const signal = AbortSignal.any([ec.signal, stopAll.signal]);
  let firstError: unknown;
  await Promise.all(
    plans.map(async (plan) => {
      const sc: StreamContext = { client: ec.client.another(), out: ec.out, signal, now: ec.now };
      try {
        await consumeStream(sc, plan);
      } catch (err) {
        if (signal.aborted) return;
        result.backendTlsError ||= isBackendTlsError(err);
        if (!ignoreErrors) {
          firstError = err;
          stopAll.abort();
          return;
        }
        await writeOut(ec.out, inlineError(err), signal).catch(() => undefined);
      }
    }),
  );
  await ec.client.close();
  if (firstError !== undefined) throw firstError;
  if (ec.signal.aborted) throw ec.signal.reason;
  return result;
}
