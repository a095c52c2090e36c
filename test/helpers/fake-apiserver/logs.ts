// Container logs and GET .../pods/{name}/log: option validation as the apiserver
// does it, container choice as pod strategy's validateContainer, and the kubelet's
// filtering (tail, since, stream, timestamps, limitBytes, follow). A pod on a node
// that names a kubelet port is served by that kubelet (kubelet-proxy.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveGenerated, type GeneratedLog } from './generated-log.ts';
import { kubeletEndpoint, proxyKubeletLogs } from './kubelet-proxy.ts';
import { findResource } from './resources.ts';
import { StatusError, apiHeaders, badRequest, invalid, notFound, type FieldError } from './status.ts';
import type { Store } from './store.ts';
import type { LogLine, LogTarget } from './types.ts';
import { LogWriter, wantedStream, type KubeletLogOptions } from '../fake-kubelet/container-logs.ts';

type Follower = (lines: LogLine[]) => void;

function keyOf(t: LogTarget, previous = false): string {
  return `${t.namespace}/${t.pod}/${t.container}${previous ? '#previous' : ''}`;
}

export function toLogLines(lines: ReadonlyArray<string | LogLine>): LogLine[] {
  const now = new Date();
  return lines.map((l) => (typeof l === 'string' ? { time: now, text: l } : l));
}

export class LogStore {
  private logs = new Map<string, LogLine[]>();
  private followers = new Map<string, Set<Follower>>();

  set(t: LogTarget, lines: LogLine[], previous = false): void {
    this.logs.set(keyOf(t, previous), [...lines]);
  }

  append(t: LogTarget, lines: LogLine[]): void {
    const key = keyOf(t);
    this.logs.set(key, [...(this.logs.get(key) ?? []), ...lines]);
    for (const fn of this.followers.get(key) ?? []) fn(lines);
  }

  get(t: LogTarget, previous: boolean): LogLine[] | undefined {
    return this.logs.get(keyOf(t, previous));
  }

  follow(t: LogTarget, fn: Follower): () => void {
    const key = keyOf(t);
    let set = this.followers.get(key);
    if (!set) this.followers.set(key, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }
}

/** A stored line may say which output it came from (stdout when omitted), or stand for a generated log. */
type StoredLine = LogLine & { stream?: 'stdout' | 'stderr'; generated?: GeneratedLog };

interface LogOptions {
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  limitBytes?: number;
  sinceSeconds?: number;
  sinceTime?: number;
  /** PodLogOptions.stream: All, Stdout or Stderr (the PodLogsQuerySplitStreams feature, on here); validated in parseOptions. */
  stream?: KubeletLogOptions['stream'];
  insecureSkipTLSVerifyBackend: boolean;
}

const LOG_STREAMS = ['All', 'Stdout', 'Stderr'];

const intParam = (q: URLSearchParams, name: string): number | undefined => (q.has(name) ? Number.parseInt(q.get(name) ?? '', 10) : undefined);
const boolParam = (q: URLSearchParams, name: string): boolean => q.get(name) === 'true' || q.get(name) === '1';

function parseOptions(q: URLSearchParams, podName: string): LogOptions {
  const opts: LogOptions = {
    container: q.get('container') ?? '',
    follow: boolParam(q, 'follow'),
    previous: boolParam(q, 'previous'),
    timestamps: boolParam(q, 'timestamps'),
    tailLines: intParam(q, 'tailLines'),
    limitBytes: intParam(q, 'limitBytes'),
    sinceSeconds: intParam(q, 'sinceSeconds'),
    sinceTime: q.has('sinceTime') ? Date.parse(q.get('sinceTime') ?? '') : undefined,
    ...(q.has('stream') ? { stream: (q.get('stream') ?? '') as KubeletLogOptions['stream'] } : {}),
    insecureSkipTLSVerifyBackend: boolParam(q, 'insecureSkipTLSVerifyBackend'),
  };
  const errs: FieldError[] = [];
  const bad = (field: string, value: number, msg: string): void => {
    errs.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${value}: ${msg}` });
  };
  if (opts.tailLines !== undefined && opts.tailLines < 0) bad('tailLines', opts.tailLines, 'must be greater than or equal to 0');
  if (opts.limitBytes !== undefined && opts.limitBytes < 1) bad('limitBytes', opts.limitBytes, 'must be greater than 0');
  if (opts.sinceSeconds !== undefined && opts.sinceTime !== undefined) {
    errs.push({ reason: 'FieldValueForbidden', field: '', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified' });
  } else if (opts.sinceSeconds !== undefined && opts.sinceSeconds < 1) {
    bad('sinceSeconds', opts.sinceSeconds, 'must be greater than 0');
  }
  if (opts.stream !== undefined) {
    if (!LOG_STREAMS.includes(opts.stream as string)) {
      errs.push({ reason: 'FieldValueNotSupported', field: 'stream', message: `Unsupported value: ${JSON.stringify(opts.stream)}: supported values: "All", "Stderr", "Stdout"` });
    }
    if (opts.stream !== 'All' && opts.tailLines !== undefined) {
      errs.push({ reason: 'FieldValueForbidden', field: '', message: 'Forbidden: `tailLines` and specific `stream` are mutually exclusive for now' });
    }
  }
  if (errs.length > 0) throw new StatusError(invalid('PodLogOptions', podName, errs));
  return opts;
}

interface PodShape {
  spec?: { containers?: Array<{ name: string }>; initContainers?: Array<{ name: string }>; ephemeralContainers?: Array<{ name: string }> };
  status?: { containerStatuses?: Array<{ name: string; state?: { waiting?: { reason?: string } } }> };
}

/** validateContainer from pkg/registry/core/pod/strategy.go, messages included. */
function chooseContainer(pod: PodShape, podName: string, wanted: string): string {
  const spec = pod.spec ?? {};
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name);
  if (wanted !== '') {
    if (!all.includes(wanted)) throw new StatusError(badRequest(`container ${wanted} is not valid for pod ${podName}`));
    return wanted;
  }
  const containers = spec.containers ?? [];
  if (containers.length === 1) return (containers[0] as { name: string }).name;
  if (containers.length === 0) throw new StatusError(badRequest(`a container name must be specified for pod ${podName}`));
  // Go prints the []string with %s: `[a b c]`.
  throw new StatusError(badRequest(`a container name must be specified for pod ${podName}, choose one of: [${all.join(' ')}]`));
}

function selectLines(all: LogLine[], opts: LogOptions, now: number): LogLine[] {
  const lines = all.filter((l) => wantedStream(l, opts));
  let out = opts.tailLines !== undefined ? lines.slice(lines.length - Math.min(opts.tailLines, lines.length)) : lines;
  const since = opts.sinceSeconds !== undefined ? now - opts.sinceSeconds * 1000 : opts.sinceTime;
  if (since !== undefined) out = out.filter((l) => l.time.getTime() >= since);
  return out;
}

export interface LogContext {
  store: Store;
  logs: LogStore;
  streams: Set<ServerResponse>;
}

export function serveLogs(req: IncomingMessage, res: ServerResponse, ctx: LogContext, namespace: string, podName: string, q: URLSearchParams): void {
  const podsDef = findResource('', 'v1', 'pods');
  if (!podsDef) throw new Error('pods missing from the resource table');
  // Options are validated before the pod is looked up, as LogREST.Get does.
  const opts = parseOptions(q, podName);
  const pod = ctx.store.get(podsDef, namespace, podName);
  if (!pod) throw new StatusError(notFound(podsDef, podName));
  const shape = pod as unknown as PodShape;
  const container = chooseContainer(shape, podName, opts.container);
  const target: LogTarget = { namespace, pod: podName, container };
  const nodeName = (pod as { spec?: { nodeName?: string } }).spec?.nodeName;
  const nodesDef = findResource('', 'v1', 'nodes');
  const endpoint = nodeName && nodesDef ? kubeletEndpoint(ctx.store.get(nodesDef, undefined, nodeName)) : undefined;
  if (endpoint) return proxyKubeletLogs(req, res, ctx.streams, endpoint, { target, query: kubeletQuery(opts), insecureSkipTLSVerifyBackend: opts.insecureSkipTLSVerifyBackend, follow: opts.follow });
  // The kubelet refuses these; the apiserver passes its message on as a 400.
  const waiting = shape.status?.containerStatuses?.find((c) => c.name === container)?.state?.waiting;
  if (waiting && !opts.previous) throw new StatusError(badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${waiting.reason ?? ''}`));
  const stored = ctx.logs.get(target, opts.previous);
  if (opts.previous && stored === undefined) throw new StatusError(badRequest(`previous terminated container "${container}" in pod "${podName}" not found`));
  apiHeaders(res, 'text/plain');
  res.statusCode = 200;
  const generated = (stored?.[0] as StoredLine | undefined)?.generated;
  if (generated) return serveGenerated(res, generated, opts.limitBytes);
  const writer = lineWriter(res, opts);
  for (const l of selectLines(stored ?? [], opts, Date.now())) writer.write(l);
  if (!opts.follow || opts.previous || writer.done()) {
    res.end();
    return;
  }
  res.flushHeaders();
  followLogs(req, res, ctx, target, writer);
}

/** The kubelet's own rendering (timestamps, limitBytes cut mid-line), written as it comes. */
interface LineWriter {
  write(line: LogLine): void;
  done(): boolean;
}

function lineWriter(res: ServerResponse, opts: LogOptions): LineWriter {
  const render = new LogWriter(opts);
  return {
    write(line) {
      const bytes = render.render([line]);
      if (bytes.length > 0) res.write(bytes);
    },
    done: () => render.done(),
  };
}

function followLogs(req: IncomingMessage, res: ServerResponse, ctx: LogContext, target: LogTarget, writer: LineWriter): void {
  const podsDef = findResource('', 'v1', 'pods');
  ctx.streams.add(res);
  const stop = (): void => {
    unfollow();
    unwatch();
    ctx.streams.delete(res);
    if (!res.writableEnded) res.end();
  };
  const unfollow = ctx.logs.follow(target, (lines) => {
    for (const l of lines) writer.write(l);
    if (writer.done()) stop();
  });
  // The kubelet ends a follow when the pod goes away.
  const unwatch = ctx.store.subscribe((ev) => {
    if (ev.type === 'DELETED' && ev.def === podsDef && ev.object.metadata.namespace === target.namespace && ev.object.metadata.name === target.pod) stop();
  });
  req.on('close', stop);
  res.on('close', stop);
}

/** What LogLocation forwards to the kubelet: the options, never the container (it is in the path) nor the TLS skip. */
function kubeletQuery(opts: LogOptions): Record<string, string | undefined> {
  const sinceTime = opts.sinceTime !== undefined && !Number.isNaN(opts.sinceTime) ? new Date(opts.sinceTime).toISOString().replace(/\.\d+Z$/, 'Z') : undefined;
  return {
    follow: opts.follow ? 'true' : undefined,
    limitBytes: opts.limitBytes?.toString(),
    previous: opts.previous ? 'true' : undefined,
    sinceSeconds: opts.sinceSeconds?.toString(),
    sinceTime,
    stream: opts.stream,
    tailLines: opts.tailLines?.toString(),
    timestamps: opts.timestamps ? 'true' : undefined,
  };
}
