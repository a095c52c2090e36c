// kubectl logs' options: what the flags resolve to, the PodLogOptions sent
// with each request (kubectl pkg/cmd/logs/logs.go ToLogOptions), and the
// checks of its Validate, with kubectl's messages.
import { SockError } from '../../errors.ts';
import { formatQueryTime, parseRFC3339 } from './go-time.ts';

/** The values of PodLogOptions.stream (core/v1 LogStreamAll/Stdout/Stderr). */
export const LOG_STREAMS = ['All', 'Stdout', 'Stderr'] as const;

/** kubectl's selectorTail: `-l` without --tail shows the last 10 lines of each stream. */
export const SELECTOR_TAIL = 10;

/** PodLogOptions as kubectl fills it; an undefined field is not sent. */
export interface PodLogParams {
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  insecureSkipTLSVerifyBackend: boolean;
  sinceSeconds?: number;
  /** RFC3339 in UTC, whole seconds (metav1.Time's query form). */
  sinceTime?: string;
  tailLines?: number;
  limitBytes?: number;
  /** All, Stdout or Stderr: the field kubectl does not expose. */
  stream?: string;
}

/** The resolved options of `kubectl sock logs` (kubectl's LogsOptions). */
export interface LogsOptions {
  namespace: string;
  /** POD or TYPE/NAME; '' with -l. */
  resourceArg: string;
  /** The positional arguments as given (Validate counts them). */
  resources: string[];
  selector: string;
  /** -c, or the inline CONTAINER argument. */
  container: string;
  /** -c was given (cobra's Changed), even as -c ''. */
  containerGiven: boolean;
  allContainers: boolean;
  allPods: boolean;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  ignoreErrors: boolean;
  insecureSkipTLSVerifyBackend: boolean;
  prefix: boolean;
  /** --since-time as typed. */
  sinceTime: string;
  /** --since in milliseconds (a Go duration). */
  sinceMs: number;
  tail: number;
  tailGiven: boolean;
  limitBytes: number;
  maxLogRequests: number;
  podRunningTimeoutMs: number;
  /** --stream, '' when not given. */
  stream: string;
  /** The PodLogOptions every request starts from (container filled per stream). */
  params: PodLogParams;
}

/** kubectl ToLogOptions: --since rounded to whole seconds, --since-time to UTC seconds, the selector's tail. */
export function toPodLogParams(o: Omit<LogsOptions, 'params'>): PodLogParams {
  const p: PodLogParams = {
    container: o.container,
    follow: o.follow,
    previous: o.previous,
    timestamps: o.timestamps,
    insecureSkipTLSVerifyBackend: o.insecureSkipTLSVerifyBackend,
  };
  if (o.sinceTime !== '') {
    try {
      p.sinceTime = formatQueryTime(parseRFC3339(o.sinceTime));
    } catch (err) {
      throw new SockError('E_USAGE', (err as Error).message);
    }
  }
  if (o.limitBytes !== 0) p.limitBytes = o.limitBytes;
  // time.Duration.Round(time.Second): halves round away from zero.
  if (o.sinceMs !== 0) p.sinceSeconds = Math.sign(o.sinceMs) * Math.round(Math.abs(o.sinceMs) / 1000);
  if (o.selector !== '' && o.tail === -1 && !o.tailGiven) p.tailLines = SELECTOR_TAIL;
  else if (o.tail !== -1) p.tailLines = o.tail;
  if (o.stream !== '') p.stream = o.stream;
  return p;
}

/** kubectl LogsOptions.Validate, in its order, plus the --stream check kubectl has no flag for. */
export function validateLogsOptions(o: LogsOptions): void {
  const fail = (message: string): never => {
    throw new SockError('E_USAGE', message);
  };
  if (o.sinceTime !== '' && o.sinceMs !== 0) fail('at most one of `sinceTime` or `sinceSeconds` may be specified');
  if (o.allContainers && o.params.container !== '') {
    fail(`--all-containers=true should not be specified with container name ${o.params.container}`);
  }
  if (o.containerGiven && o.resources.length === 2) fail('only one of -c or an inline [CONTAINER] arg is allowed');
  if (o.limitBytes < 0) fail('--limit-bytes must be greater than 0');
  if (o.params.sinceSeconds !== undefined && o.params.sinceSeconds < 0) fail('--since must be greater than 0');
  if (o.params.tailLines !== undefined && o.params.tailLines < -1) fail('--tail must be greater than or equal to -1');
  if (o.stream !== '' && !(LOG_STREAMS as readonly string[]).includes(o.stream)) {
    fail(`invalid argument "${o.stream}" for --stream: must be one of ${LOG_STREAMS.join(', ')}`);
  }
}

/**
 * The query of GET …/pods/{name}/log: PodLogOptions through queryparams.Convert
 * (zero values and nil pointers omitted) and url.Values.Encode (keys sorted).
 */
export function logQuery(p: PodLogParams): Record<string, string> {
  const q: Record<string, string | undefined> = {
    container: p.container || undefined,
    follow: p.follow ? 'true' : undefined,
    insecureSkipTLSVerifyBackend: p.insecureSkipTLSVerifyBackend ? 'true' : undefined,
    limitBytes: p.limitBytes?.toString(),
    previous: p.previous ? 'true' : undefined,
    sinceSeconds: p.sinceSeconds?.toString(),
    sinceTime: p.sinceTime,
    stream: p.stream,
    tailLines: p.tailLines?.toString(),
    timestamps: p.timestamps ? 'true' : undefined,
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) if (v !== undefined) out[k] = v;
  return out;
}
