import { resolve } from 'node:path';
import type { Ctx } from '../context.ts';
import { InterruptedError, UsageError } from '../errors.ts';
import { flagString, type CommandSpec, type Invocation } from '../cli/command.ts';
import type { FlagDef } from '../cli/flags.ts';
import { newFactory, type Factory } from './factory.ts';
import { DEFAULT_CONTROL_SOCKET } from '../serve/control-api.ts';
import type { ServeOptions } from '../serve/daemon.ts';

/** Where grants are kept and where `grant USER` puts USER.sock (systemd's StateDirectory= and RuntimeDirectory=). */
const DEFAULT_STATE_FILE = '/var/lib/kubectl-sock/grants.yaml';
const DEFAULT_GRANT_DIR = '/run/kubectl-sock';

/** complete: flags to options, paths made absolute against the working folder. */
export function completeServe(ctx: Ctx, inv: Invocation): ServeOptions {
  const path = (name: string, def = '') => {
    const v = flagString(inv, name, def);
    return v === '' || v === '-' ? v : resolve(ctx.cwd, v);
  };
  return {
    configFile: path('config'),
    controlSocket: path('control-socket', DEFAULT_CONTROL_SOCKET),
    stateFile: path('state-file', DEFAULT_STATE_FILE),
    auditLog: path('audit-log'),
    grantDir: path('grant-dir', DEFAULT_GRANT_DIR),
  };
}

/** validate: pure. */
export function validateServe(o: ServeOptions, inv: Pick<Invocation, 'args' | 'commandPath'>): void {
  // cobra's own wording for a stray argument and a missing required flag, with its "--help" hint.
  if (inv.args.length > 0) throw new UsageError(`unknown command ${JSON.stringify(inv.args[0])} for "${inv.commandPath}"`, inv.commandPath, true);
  if (o.configFile === '') throw new UsageError('required flag(s) "config" not set', inv.commandPath, true);
  for (const [flag, v] of [['control-socket', o.controlSocket], ['state-file', o.stateFile], ['grant-dir', o.grantDir]] as const) {
    if (v === '' || v === '-') throw new UsageError(`--${flag} must name a path`);
  }
}

/** run: the upstream, the sockets and the control socket; SIGHUP reloads; SIGINT/SIGTERM end it. */
export async function runServe(ctx: Ctx, f: Factory, o: ServeOptions): Promise<number> {
  // A long-running server favours memory over peak speed: with this V8 grows its heap far less
  // eagerly under load (500 sockets, 200 clients: peak RSS 223-232 → 108-128 MiB), for about
  // 15-20% more CPU per request (bench-serve, interleaved; --heap-growing-percent did not help).
  // V8 reads it as the heap grows, so setting it now takes effect (Node leaves flags unfrozen).
  (await import('node:v8')).setFlagsFromString('--optimize-for-size');
  const config = await f.restConfig();
  const [{ Upstream }, { ServeDaemon }] = await Promise.all([import('../relay/upstream.ts'), import('../serve/daemon.ts')]);
  const upstream = new Upstream(ctx, config, f.klog);
  let daemon;
  try {
    await upstream.warmUp();
    daemon = await ServeDaemon.start(ctx, upstream, f.klog, o);
  } catch (err) {
    await upstream.close();
    throw err;
  }
  const n = daemon.engine.served.size;
  ctx.streams.out.write(`Serving ${n} socket${n === 1 ? '' : 's'} from ${o.configFile} and ${o.stateFile}; grants on ${o.controlSocket}\n`);
  const off = ctx.onHangup(() => void daemon.reload());
  await new Promise<void>((done) => {
    if (ctx.signal.aborted) return done();
    ctx.signal.addEventListener('abort', () => done(), { once: true });
  });
  off();
  await daemon.close();
  await upstream.close();
  throw new InterruptedError(ctx.signal.reason);
}

const flags: FlagDef[] = [
  { name: 'audit-log', kind: 'string', usage: "Write one JSON line per request (time, socket, owner, identity, method, path, status, bytes, duration_ms) to this file (created 0600, appended to, reopened on SIGHUP), or to stderr with '-'." },
  { name: 'config', kind: 'string', usage: 'The file naming the sockets to serve (apiVersion: sock.kubectl.io/v1alpha1, kind: ServeConfig). SIGHUP re-reads it.' },
  { name: 'control-socket', kind: 'string', defValue: DEFAULT_CONTROL_SOCKET, usage: "The socket that kubectl sock grant, revoke and grants talk to. Its folder is created 0700: only this server's user may use it." },
  { name: 'grant-dir', kind: 'string', defValue: DEFAULT_GRANT_DIR, usage: 'The folder where `kubectl sock grant USER` creates USER.sock unless --path is given.' },
  { name: 'state-file', kind: 'string', defValue: DEFAULT_STATE_FILE, usage: 'The file where grants are kept, so that they survive a restart (rewritten in one step on every grant, revoke and expiry).' },
];

/** `kubectl sock serve`: many sockets from one process, each its owner's, each acting as its own identity. */
export const serveCommand: CommandSpec = {
  name: 'serve',
  short: 'Serve many sockets, each with its own owner and Kubernetes identity',
  long: `Serves the Kubernetes API on many unix sockets from one process, with the credentials of the current context. Each socket is handed to its owner (a local user) and acts as its own Kubernetes identity (impersonation: the API server's RBAC and audit log see the person, not the server). Sockets can be read-only, expire, and carry proxy's filters.

The sockets come from the --config file and from grants made with kubectl sock grant. On SIGHUP the file is read again: new sockets appear, removed ones are unlinked and their connections closed at once, unchanged ones keep theirs. A file that does not parse or validate changes nothing.`,
  examples: [
    '  # Serve the sockets of a config file, as the systemd unit in docs/ does',
    '  kubectl sock serve --config /etc/kubectl-sock/serve.yaml --audit-log /var/log/kubectl-sock/audit.log',
    '  ',
    '  # Re-read the config file',
    '  systemctl reload kubectl-sock     # or: kill -HUP <the server\'s pid>',
  ].join('\n'),
  usage: 'serve --config=FILE [options]',
  flags,
  async run(ctx, inv) {
    const o = completeServe(ctx, inv);
    validateServe(o, inv);
    const f = newFactory(ctx, inv);
    try {
      return await runServe(ctx, f, o);
    } finally {
      await f.close();
    }
  },
};
