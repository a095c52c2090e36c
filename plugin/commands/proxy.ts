import type { Ctx } from '../context.ts';
import { InterruptedError, UsageError } from '../errors.ts';
import { flagBool, flagInt, flagString, type CommandSpec, type Invocation } from '../cli/command.ts';
import { formatGoDuration, parseGoDuration } from '../cli/duration.ts';
import type { FlagDef } from '../cli/flags.ts';
import { newFactory, type Factory } from './factory.ts';
import {
  DEFAULT_ACCEPT_HOSTS, DEFAULT_ACCEPT_PATHS, DEFAULT_REJECT_METHODS, DEFAULT_REJECT_PATHS, compileFilter, type FilterSpec,
} from '../relay/filters.ts';

/** kubectl proxy's defaultPort and defaultAddress. */
const DEFAULT_PORT = 8001;
const DEFAULT_ADDRESS = '127.0.0.1';

/** Resolved options of `kubectl sock proxy` (kubectl's ProxyOptions, plus kubectl-sock's own). */
export interface ProxyOptions {
  unixSocket: string;
  port: number;
  address: string;
  /** With its trailing slash, as kubectl's Complete adds it. */
  apiPrefix: string;
  filter: FilterSpec | undefined;
  appendServerPath: boolean;
  keepaliveMs: number;
  socketMode: number;
  allowSharedDir: boolean;
  expireAfterMs: number;
  readOnly: boolean;
  accessLog: string;
  maxConnections: number;
}

/** complete: flags to options (kubectl's Complete, without the REST config, which run loads). */
export function completeProxy(inv: Invocation): ProxyOptions {
  let apiPrefix = flagString(inv, 'api-prefix', '/');
  if (!apiPrefix.startsWith('/')) apiPrefix = `/${apiPrefix}`;
  if (!apiPrefix.endsWith('/')) apiPrefix += '/';
  const duration = (name: string) => parseGoDuration(flagString(inv, name, '0s'));
  return {
    unixSocket: flagString(inv, 'unix-socket'),
    port: flagInt(inv, 'port', DEFAULT_PORT),
    address: flagString(inv, 'address', DEFAULT_ADDRESS),
    apiPrefix,
    filter: flagBool(inv, 'disable-filter')
      ? undefined
      : {
          acceptPaths: flagString(inv, 'accept-paths', DEFAULT_ACCEPT_PATHS),
          rejectPaths: flagString(inv, 'reject-paths', DEFAULT_REJECT_PATHS),
          acceptHosts: flagString(inv, 'accept-hosts', DEFAULT_ACCEPT_HOSTS),
          rejectMethods: flagString(inv, 'reject-methods', DEFAULT_REJECT_METHODS),
        },
    appendServerPath: flagBool(inv, 'append-server-path'),
    keepaliveMs: duration('keepalive'),
    socketMode: parseSocketMode(flagString(inv, 'socket-mode', '0600')),
    allowSharedDir: flagBool(inv, 'allow-shared-dir'),
    expireAfterMs: duration('expire-after'),
    readOnly: flagBool(inv, 'read-only'),
    accessLog: flagString(inv, 'access-log'),
    maxConnections: flagInt(inv, 'max-connections', 0),
  };
}

/** An octal permission mode: 600, 0600, 0o600. NaN when it is not one. */
function parseSocketMode(text: string): number {
  const m = /^(?:0o?)?([0-7]{3})$/.exec(text);
  return m ? Number.parseInt(m[1] as string, 8) : Number.NaN;
}

/** validate: kubectl proxy's check, then kubectl-sock's own. Pure. */
export function validateProxy(o: ProxyOptions, given: { socketMode: string }): void {
  if (o.port !== DEFAULT_PORT && o.unixSocket !== '') throw new UsageError('cannot set --unix-socket and --port at the same time');
  if (o.port < 0 || o.port > 65535) throw new UsageError(`invalid --port ${o.port}: must be between 0 and 65535`);
  if (Number.isNaN(o.socketMode)) throw new UsageError(`invalid --socket-mode ${JSON.stringify(given.socketMode)}: want an octal mode such as 0600 or 0660`);
  if ((o.socketMode & 0o600) !== 0o600) throw new UsageError(`invalid --socket-mode ${JSON.stringify(given.socketMode)}: the owner needs read and write permission (0600)`);
  if (o.expireAfterMs < 0) throw new UsageError('--expire-after must not be negative');
  if (o.keepaliveMs < 0) throw new UsageError('--keepalive must not be negative');
  if (o.maxConnections < 0) throw new UsageError('--max-connections must not be negative');
  // kubectl compiles the filter in Complete and dies on a bad expression; before listening, either way.
  if (o.filter) compileFilter(o.filter);
}

/** run: resolve the cluster, listen, announce, serve until a signal or --expire-after. */
export async function runProxy(ctx: Ctx, f: Factory, o: ProxyOptions): Promise<number> {
  const config = await f.restConfig();
  const [{ Upstream }, { startRelay }, { openAccessLog }, { klogLine }] = await Promise.all([
    import('../relay/upstream.ts'), import('../relay/server.ts'), import('../relay/access-log.ts'), import('../relay/responses.ts'),
  ]);
  const errOut = ctx.streams.errOut;
  if (!o.filter && o.unixSocket === '') {
    errOut.write(klogLine('W', ctx.pid, ctx.now(), 'proxy.ts', 'Request filter disabled, your proxy is vulnerable to XSRF attacks, please be cautious'));
  }
  const serverPath = config.address.transport === 'tcp' ? config.address.basePath : '';
  if (serverPath !== '' && !o.appendServerPath) {
    errOut.write(klogLine('W', ctx.pid, ctx.now(), 'proxy.ts', `Your kube context contains a server path ${serverPath}, use --append-server-path to automatically append the path to each request`));
  }
  const upstream = new Upstream(ctx, config, f.klog);
  const accessLog = await openAccessLog(o.accessLog, ctx.cwd, errOut);
  let relay;
  try {
    await upstream.warmUp();
    relay = await startRelay(ctx, upstream, f.klog, {
      listen: o.unixSocket !== ''
        ? { kind: 'unix', path: o.unixSocket, mode: o.socketMode, allowSharedDir: o.allowSharedDir }
        : { kind: 'tcp', host: o.address, port: o.port },
      rules: { apiPrefix: o.apiPrefix, filter: o.filter && compileFilter(o.filter), readOnly: o.readOnly, serverPath: o.appendServerPath ? serverPath : '' },
      maxConnections: o.maxConnections,
      keepaliveMs: o.keepaliveMs,
      expireAfterMs: o.expireAfterMs,
      accessLog,
    });
  } catch (err) {
    await upstream.close();
    await accessLog.close();
    throw err;
  }
  ctx.streams.out.write(`Starting to serve on ${relay.address}\n`);
  const reason = await relay.done;
  // SIGINT/SIGTERM: the socket is gone; end silently with 130/143, as kubectl proxy dies of the signal.
  if (reason !== 'expired') throw new InterruptedError(ctx.signal.reason);
  ctx.streams.out.write(`Stopped serving on ${relay.address}: --expire-after=${formatGoDuration(o.expireAfterMs)} elapsed\n`);
  return 0;
}

const flags: FlagDef[] = [
  { name: 'accept-hosts', kind: 'string', defValue: DEFAULT_ACCEPT_HOSTS, usage: 'Regular expression for hosts that the proxy should accept.' },
  { name: 'accept-paths', kind: 'string', defValue: DEFAULT_ACCEPT_PATHS, usage: 'Regular expression for paths that the proxy should accept.' },
  { name: 'access-log', kind: 'string', usage: "Write one JSON line per request (time, method, path, status, bytes, duration_ms) to this file (created 0600, appended to), or to stderr with '-'." },
  { name: 'address', kind: 'string', defValue: DEFAULT_ADDRESS, usage: 'The IP address on which to serve on.' },
  { name: 'allow-shared-dir', kind: 'bool', usage: "If true, create the --unix-socket in a folder other users may write to even without the sticky bit (they could replace the socket)." },
  { name: 'api-prefix', kind: 'string', defValue: '/', usage: 'Prefix to serve the proxied API under.' },
  { name: 'append-server-path', kind: 'bool', usage: 'If true, enables automatic path appending of the kube context server path to each request.' },
  { name: 'disable-filter', kind: 'bool', usage: 'If true, disable request filtering in the proxy. This is dangerous, and can leave you vulnerable to XSRF attacks, when used with an accessible port.' },
  { name: 'expire-after', kind: 'duration', defValue: '0s', usage: 'Stop serving after this long (e.g. 30m, 8h): the socket is removed, open connections are closed, and the command exits 0. 0 means never.' },
  { name: 'keepalive', kind: 'duration', defValue: '0s', usage: 'keepalive specifies the keep-alive period for an active network connection. Set to 0 to disable keepalive.' },
  { name: 'max-connections', kind: 'int', defValue: '0', usage: 'Serve at most this many client connections at once; more connections wait, unread, until one closes (idle ones are closed to make room). 0 means no limit.' },
  { name: 'port', short: 'p', kind: 'int', defValue: String(DEFAULT_PORT), usage: 'The port on which to run the proxy. Set to 0 to pick a random port.' },
  { name: 'read-only', kind: 'bool', usage: 'If true, allow only GET and HEAD requests (get, list, watch, logs); anything else, and exec, attach, port-forward and proxy, is answered 403 Forbidden.' },
  { name: 'reject-methods', kind: 'string', defValue: DEFAULT_REJECT_METHODS, usage: "Regular expression for HTTP methods that the proxy should reject (example --reject-methods='POST,PUT,PATCH'). " },
  { name: 'reject-paths', kind: 'string', defValue: DEFAULT_REJECT_PATHS, usage: 'Regular expression for paths that the proxy should reject. Paths specified here will be rejected even accepted by --accept-paths.' },
  { name: 'socket-mode', kind: 'string', defValue: '0600', usage: 'Permission bits of the --unix-socket file, in octal; it never exists with wider ones. 0660 lets its group in.' },
  { name: 'unix-socket', short: 'u', kind: 'string', usage: 'Unix socket on which to run the proxy.' },
  { name: 'www', short: 'w', kind: 'string', hidden: true, usage: 'Also serve static files from the given directory under the specified prefix. Run by kubectl, through the relay.' },
  { name: 'www-prefix', short: 'P', kind: 'string', defValue: '/static/', hidden: true, usage: 'Prefix to serve static files under, if static file directory is specified. Run by kubectl, through the relay.' },
];

/** `kubectl sock proxy`: kubectl proxy's flags and answers, on a socket only its owner can reach. */
export const proxyCommand: CommandSpec = {
  name: 'proxy',
  short: 'Run a proxy to the Kubernetes API server on a unix socket or a local port',
  long: `Creates a proxy server between a unix socket (or localhost) and the Kubernetes API server, with the credentials of the current context. Clients of the socket need no credentials: its file permissions decide who may use it, and removing it revokes access. A drop-in for kubectl proxy: the same flags, filters and answers, plus an owner-only socket that never replaces another file, --expire-after, --read-only, --access-log and --max-connections.`,
  examples: [
    '  # Serve the API on a socket only you can use',
    '  kubectl sock proxy --unix-socket=$HOME/.kube/kube.sock',
    '  ',
    '  # Let a group in, read-only, for the next 8 hours, logging every request',
    '  kubectl sock proxy -u /srv/kube/ro.sock --socket-mode=0660 --read-only --expire-after=8h --access-log=/var/log/kube-ro.log',
    '  ',
    '  # As kubectl proxy, on an arbitrary local port',
    '  kubectl sock proxy --port=0',
  ].join('\n'),
  usage: 'proxy [--port=PORT | --unix-socket=PATH] [--api-prefix=prefix] [options]',
  flags,
  // --www (static files beside the API): kubectl proxy itself, through the passthrough relay.
  delegate: (p) => Boolean(p.values.get('www')),
  async run(ctx, inv) {
    const o = completeProxy(inv);
    validateProxy(o, { socketMode: flagString(inv, 'socket-mode', '0600') });
    const f = newFactory(ctx, inv, { namespaced: false });
    try {
      return await runProxy(ctx, f, o);
    } finally {
      await f.close();
    }
  },
};
