import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Ctx } from '../context.ts';
import type { Invocation } from '../cli/command.ts';
import type { FlagDef } from '../cli/flags.ts';
import { AddressError, ConfigError, InterruptedError } from '../errors.ts';
import { SHADOWED_FLAGS, splitPassthroughArgs } from '../passthrough/args.ts';
import { parseFlags } from '../cli/flags.ts';
import { newFactory } from './factory.ts';

/** What `kubectl sock VERB …` resolved to before running kubectl. */
export interface PassthroughOptions {
  /** The arguments for kubectl, unchanged but for the connection flags. */
  args: string[];
  /** The command line as the user typed it, for kubectl run alone (with no relay). */
  original: readonly string[];
  invocation: Invocation;
}

/**
 * complete: the connection flags choose the cluster (they become kubectl-sock's
 * own, as for native commands); everything else goes to kubectl as typed.
 */
export function completePassthrough(argv: readonly string[], globals: readonly FlagDef[]): PassthroughOptions {
  const [verb, sub] = parseFlags(argv, globals, true).positionals;
  const { connection, forward } = splitPassthroughArgs(argv, globals, SHADOWED_FLAGS.get(`${verb} ${sub}`));
  const flags = new Map(connection);
  // -n stays in kubectl's arguments too; the relay's kubeconfig names the same namespace.
  const ns = namespaceOf(forward);
  if (ns !== undefined) flags.set('namespace', ns);
  return { args: forward, original: argv, invocation: { commandPath: 'kubectl sock', args: [], flags, dashAt: -1 } };
}

function namespaceOf(args: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') break;
    if (a === '-n' || a === '--namespace') found = args[++i];
    else if (a.startsWith('--namespace=')) found = a.slice('--namespace='.length);
    else if (a.startsWith('-n') && !a.startsWith('--')) found = a.slice(a[2] === '=' ? 3 : 2);
  }
  return found;
}

/**
 * run: a private relay on 127.0.0.1 for the life of one kubectl. It speaks TLS
 * with a one-run certificate and admits only the one-run 256-bit bearer token
 * (client-go sends tokens only over TLS), strips it, and forwards through
 * kubectl-sock's own transport: the socket address, TLS and credentials of the
 * selected context. kubectl finds the relay through a temporary KUBECONFIG.
 */
export async function runPassthrough(ctx: Ctx, o: PassthroughOptions): Promise<number> {
  const f = newFactory(ctx, o.invocation);
  const [{ findRealKubectl }, { writeRelayKubeconfig }, { selfSignedCertificate }, { runKubectl }, { Upstream }, { startRelay }, { noAccessLog }, reach, { runLocalKubectl }] =
    await Promise.all([
      import('../passthrough/kubectl-path.ts'), import('../passthrough/temp-kubeconfig.ts'), import('../passthrough/self-signed.ts'),
      import('../passthrough/run-kubectl.ts'), import('../relay/upstream.ts'), import('../relay/server.ts'), import('../relay/access-log.ts'),
      import('../passthrough/reachable.ts'), import('./local-kubectl.ts'),
    ]);
  const kubectl = findRealKubectl(ctx.env, ctx.execPath, ctx.cwd);
  let config;
  try {
    config = await f.restConfig();
  } catch (err) {
    // A kubeconfig kubectl refuses: kubectl, on the user's own arguments, says so in its words
    // (which vary by verb: "Error in configuration: …" or "context … does not exist").
    if (err instanceof ConfigError && !(err instanceof AddressError)) return runLocalKubectl(ctx, o.original);
    throw err;
  }
  const held = reach.holdStream(ctx.streams.errOut);
  const upstream = new Upstream({ ...ctx, streams: Object.create(ctx.streams, { errOut: { value: held.stream } }) as Ctx['streams'] }, config, f.klog);
  try {
    if (!reach.mayWorkOffline(o.args)) await reach.checkReachable(ctx, upstream);
    held.release();
  } catch (err) {
    if (reach.kubectlReaches(config.address) && !(err instanceof InterruptedError)) {
      held.discard();
      await upstream.close();
      return runLocalKubectl(ctx, o.original);
    }
    held.release();
    await upstream.close();
    throw err;
  }
  const token = randomBytes(32).toString('base64url');
  const tls = selfSignedCertificate(ctx.now());
  // kubectl reports a failed round trip itself (the relay answers 500 with Go's error text), so
  // kubectl proxy's "Error while proxying request" line would say it twice; the relay's own lines go nowhere.
  const quiet = new Writable({ write: (_chunk, _enc, done) => done() });
  // The relay outlives a signal: kubectl gets it (runKubectl forwards it) and decides, as it would
  // alone; a relay gone at once would cut kubectl's watch, which then ends 0 instead of by the signal.
  // It stops when kubectl has exited (finally, below).
  const relayCtx: Ctx = {
    ...ctx,
    signal: new AbortController().signal,
    streams: Object.create(ctx.streams, { errOut: { value: quiet } }) as Ctx['streams'],
  };
  const relay = await startRelay(relayCtx, upstream, f.klog, {
    listen: { kind: 'tcp', host: '127.0.0.1', port: 0, tls },
    // The server URL's own path (https://host/k8s/clusters/c-x, kubectl proxy --api-prefix) goes before
    // every path kubectl asks for, as client-go puts it before every request.
    rules: { apiPrefix: '/', filter: undefined, readOnly: false, serverPath: config.address.transport === 'tcp' ? config.address.basePath : '', bearerToken: token },
    maxConnections: 0,
    keepaliveMs: 0,
    expireAfterMs: 0,
    accessLog: noAccessLog,
  });
  const kubeconfig = (() => {
    try {
      return writeRelayKubeconfig(ctx.tmpDir, {
        relayUrl: `https://${relay.address}`,
        caData: Buffer.from(tls.cert).toString('base64'),
        token,
        contextName: config.contextName,
        namespace: config.namespace,
      });
    } catch (err) {
      void relay.stop();
      throw err;
    }
  })();
  try {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
    env['KUBECONFIG'] = kubeconfig.path;
    return await runKubectl(ctx, kubectl, o.args, env);
  } finally {
    kubeconfig.remove();
    await relay.stop();
  }
}
