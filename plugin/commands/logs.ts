import type { Ctx } from '../context.ts';
import { InterruptedError, SilentError, SockError, UsageError } from '../errors.ts';
import { flagBool, flagGiven, flagInt, flagString, type CommandSpec, type Invocation } from '../cli/command.ts';
import { parseGoDuration } from '../cli/duration.ts';
import type { FlagDef } from '../cli/flags.ts';
import type { LogsOptions } from '../kube/logs/options.ts';
import { logsClient, newFactory, type Factory } from './factory.ts';
import { enterInterruptHandler } from '../cli/interrupt.ts';

/** kubectl's logsUsageStr and the error for a missing name (kubectl pkg/cmd/logs/logs.go). */
const LOGS_USAGE = 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]';
const LOGS_USAGE_ERROR = `expected '${LOGS_USAGE}'.\nPOD or TYPE/NAME is a required argument for the logs command`;

/**
 * complete, local part: flags and arguments to options, with kubectl's
 * checks in kubectl's order (arguments, namespace, --pod-running-timeout, --since-time).
 */
export async function completeLogs(inv: Invocation, f: Factory): Promise<LogsOptions> {
  const selector = flagString(inv, 'selector');
  let resourceArg = '';
  let container = flagString(inv, 'container');
  const [first = '', second = ''] = inv.args;
  if (inv.args.length === 0 && selector === '') throw new UsageError(LOGS_USAGE_ERROR, inv.commandPath);
  if (inv.args.length === 1 && selector !== '') throw new UsageError('only a selector (-l) or a POD name is allowed', inv.commandPath);
  if (inv.args.length > 2) throw new UsageError(LOGS_USAGE_ERROR, inv.commandPath);
  if (inv.args.length >= 1) resourceArg = first;
  if (inv.args.length === 2) container = second;
  const { namespace } = await f.restConfig();
  const podRunningTimeoutMs = parseGoDuration(flagString(inv, 'pod-running-timeout', '20s'));
  if (podRunningTimeoutMs <= 0) throw new SockError('E_USAGE', '--pod-running-timeout must be higher than zero');
  const allPods = flagBool(inv, 'all-pods');
  const base: Omit<LogsOptions, 'params'> = {
    namespace,
    resourceArg,
    resources: inv.args,
    selector,
    container,
    containerGiven: flagGiven(inv, 'container'),
    allContainers: flagBool(inv, 'all-containers'),
    allPods,
    follow: flagBool(inv, 'follow'),
    previous: flagBool(inv, 'previous'),
    timestamps: flagBool(inv, 'timestamps'),
    ignoreErrors: flagBool(inv, 'ignore-errors'),
    insecureSkipTLSVerifyBackend: flagBool(inv, 'insecure-skip-tls-verify-backend'),
    // --all-pods sets --prefix (kubectl Complete).
    prefix: flagBool(inv, 'prefix') || allPods,
    sinceTime: flagString(inv, 'since-time'),
    sinceMs: parseGoDuration(flagString(inv, 'since', '0s')),
    tail: flagInt(inv, 'tail', -1),
    tailGiven: flagGiven(inv, 'tail'),
    limitBytes: flagInt(inv, 'limit-bytes', 0),
    maxLogRequests: flagInt(inv, 'max-log-requests', 5),
    podRunningTimeoutMs,
    stream: flagString(inv, 'stream'),
  };
  const { toPodLogParams } = await import('../kube/logs/options.ts');
  return { ...base, params: toPodLogParams(base) };
}

/**
 * complete → validate → run. kubectl's Complete already GETs the named object
 * (its builder step), so a missing pod is reported before a bad flag
 * combination, as kubectl does; the lookup sits between the two for that reason.
 */
async function runLogsCommand(ctx: Ctx, inv: Invocation): Promise<number> {
  // kubectl logs asks for the namespace first, and its discovery is tried four times before it fails.
  const f = newFactory(ctx, inv, { namespaceFirst: true, discoveryAttempts: 4 });
  let skipVerifyGiven = false;
  try {
    const o = await completeLogs(inv, f);
    skipVerifyGiven = o.insecureSkipTLSVerifyBackend;
    const [{ validateLogsOptions }, { lookupLogSource, runLogs }, { BACKEND_TLS_HINT }] = await Promise.all([
      import('../kube/logs/options.ts'),
      import('../kube/logs/run.ts'),
      import('../kube/logs/report.ts'),
    ]);
    const env = {
      client: await logsClient(ctx, f),
      resourceType: (name: string) => f.resourceType(name),
      out: ctx.streams.out,
      errOut: ctx.streams.errOut,
      signal: ctx.signal,
      now: () => ctx.now().getTime(),
    };
    const src = await lookupLogSource(env, o).catch(async (err: unknown) => Promise.reject(await f.asDiscoveryFailure(err)));
    validateLogsOptions(o);
    // kubectl reads logs under its interrupt handler, once the pod is found (measured: a signal
    // while the log request waits, or mid-stream, ends it with status 1; before, it dies of it).
    enterInterruptHandler(ctx.signal);
    const result = await runLogs(env, o, src);
    if (result.backendTlsError && !skipVerifyGiven) ctx.streams.errOut.write(`${BACKEND_TLS_HINT}\n`);
    return 0;
  } catch (err) {
    // SIGINT/SIGTERM: 130/143 as for every command, silently.
    if (ctx.signal.aborted) throw new InterruptedError(ctx.signal.reason);
    const { logsErrorText } = await import('../kube/logs/report.ts');
    const text = logsErrorText(err, skipVerifyGiven);
    if (text === undefined) throw err;
    ctx.streams.errOut.write(`${text}\n`);
    throw new SilentError(1);
  } finally {
    await f.close();
  }
}

const LOGS_EXAMPLES = [
  ['Return snapshot logs from pod nginx with only one container', 'logs nginx'],
  ['Return snapshot logs from pod nginx, prefixing each line with the source pod and container name', 'logs nginx --prefix'],
  ['Return snapshot logs from pod nginx, limiting output to 500 bytes', 'logs nginx --limit-bytes=500'],
  ['Return snapshot logs from pod nginx, waiting up to 20 seconds for it to start running.', 'logs nginx --pod-running-timeout=20s'],
  ['Return snapshot logs from pod nginx with multi containers', 'logs nginx --all-containers=true'],
  ['Return snapshot logs from all pods in the deployment nginx', 'logs deployment/nginx --all-pods=true'],
  ['Return snapshot logs from all containers in pods defined by label app=nginx', 'logs -l app=nginx --all-containers=true'],
  ['Return snapshot logs from all pods defined by label app=nginx, limiting concurrent log requests to 10 pods', 'logs -l app=nginx --max-log-requests=10'],
  ['Return snapshot of previous terminated ruby container logs from pod web-1', 'logs -p -c ruby web-1'],
  ['Begin streaming the logs from pod nginx, continuing even if errors occur', 'logs nginx -f --ignore-errors=true'],
  ['Begin streaming the logs of the ruby container in pod web-1', 'logs -f -c ruby web-1'],
  ['Begin streaming the logs from all containers in pods defined by label app=nginx', 'logs -f -l app=nginx --all-containers=true'],
  ['Display only the most recent 20 lines of output in pod nginx', 'logs --tail=20 nginx'],
  ['Show all logs from pod nginx written in the last hour', 'logs --since=1h nginx'],
  ['Show all logs with timestamps from pod nginx starting from August 30, 2024, at 06:00:00 UTC', 'logs nginx --since-time=2024-08-30T06:00:00Z --timestamps=true'],
  ['Show logs from a kubelet with an expired serving certificate', 'logs --insecure-skip-tls-verify-backend nginx'],
  ['Return snapshot logs from first container of a job named hello', 'logs job/hello'],
  ['Return snapshot logs from container nginx-1 of a deployment named nginx', 'logs deployment/nginx -c nginx-1'],
  ['Return only what the containers of pod nginx wrote to stderr (needs the PodLogsQuerySplitStreams feature)', 'logs nginx --stream=Stderr'],
]
  .map(([what, cmd]) => `  # ${what}\n  kubectl sock ${cmd}`)
  .join('\n  \n');

/** kubectl logs' flags, defaults and help texts (kubectl 1.33), plus --stream. */
const LOGS_FLAGS: FlagDef[] = [
  { name: 'all-containers', kind: 'bool', usage: "Get all containers' logs in the pod(s)." },
  { name: 'all-pods', kind: 'bool', usage: 'Get logs from all pod(s). Sets prefix to true.' },
  { name: 'container', short: 'c', kind: 'string', usage: 'Print the logs of this container' },
  { name: 'follow', short: 'f', kind: 'bool', usage: 'Specify if the logs should be streamed.' },
  { name: 'ignore-errors', kind: 'bool', usage: 'If watching / following pod logs, allow for any errors that occur to be non-fatal' },
  {
    name: 'insecure-skip-tls-verify-backend',
    kind: 'bool',
    usage:
      'Skip verifying the identity of the kubelet that logs are requested from.  In theory, an attacker could provide invalid log content back. You might want to use this if your kubelet serving certificates have expired.',
  },
  { name: 'limit-bytes', kind: 'int', defValue: '0', usage: 'Maximum bytes of logs to return. Defaults to no limit.' },
  { name: 'max-log-requests', kind: 'int', defValue: '5', usage: 'Specify maximum number of concurrent logs to follow when using by a selector. Defaults to 5.' },
  { name: 'pod-running-timeout', kind: 'duration', defValue: '20s', usage: 'The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running' },
  { name: 'prefix', kind: 'bool', usage: 'Prefix each log line with the log source (pod name and container name)' },
  { name: 'previous', short: 'p', kind: 'bool', usage: 'If true, print the logs for the previous instance of the container in a pod if it exists.' },
  {
    name: 'selector',
    short: 'l',
    kind: 'string',
    usage:
      "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.(e.g. -l key1=value1,key2=value2,key3 in (value3)). Matching objects must satisfy all of the specified label constraints.",
  },
  { name: 'since', kind: 'duration', defValue: '0s', usage: 'Only return logs newer than a relative duration like 5s, 2m, or 3h. Defaults to all logs. Only one of since-time / since may be used.' },
  { name: 'since-time', kind: 'string', usage: 'Only return logs after a specific date (RFC3339). Defaults to all logs. Only one of since-time / since may be used.' },
  {
    name: 'stream',
    kind: 'string',
    usage:
      "Which output stream of the container to return: All, Stdout or Stderr (PodLogOptions.stream, which kubectl does not expose). Needs the API server's PodLogsQuerySplitStreams feature; Stdout or Stderr cannot be combined with --tail. Defaults to all streams.",
  },
  { name: 'tail', kind: 'int', defValue: '-1', usage: 'Lines of recent log file to display. Defaults to -1 with no selector, showing all log lines otherwise 10, if a selector is provided.' },
  { name: 'timestamps', kind: 'bool', usage: 'Include timestamps on each line in the log output' },
];

export const logsCommand: CommandSpec = {
  name: 'logs',
  short: 'Print the logs for a container in a pod',
  long: 'Print the logs for a container in a pod or specified resource. If the pod has only one container, the container name is optional.',
  examples: LOGS_EXAMPLES,
  usage: `${LOGS_USAGE} [options]`,
  flags: LOGS_FLAGS,
  run: runLogsCommand,
};
