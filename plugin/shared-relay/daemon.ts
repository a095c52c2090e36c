import { existsSync, lstatSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Ctx } from '../context.ts';
import { newKlog } from '../klog.ts';
import { noAccessLog } from '../relay/access-log.ts';
import { startRelay, type Relay } from '../relay/server.ts';
import { Upstream } from '../relay/upstream.ts';
import { serveControl, type ControlReply, type ControlRequest } from './control.ts';
import { Lifetime } from './lifetime.ts';
import { CONTROL_SOCKET, INFO_FILE, kubeconfigPath, writePrivateFile, writeRelayKubeconfig, type RelayEndpoint, type RelayInfo } from './relay-files.ts';
import { decodeConfig } from './wire.ts';
import { passthroughRules } from './rules.ts';

/** The listening sockets the starting run hands down, as the relay process's file descriptors 3 and 4. */
export const RELAY_FD = 3;
export const CONTROL_FD = 4;

/** What the starting run hands the relay process through its stdin pipe (it holds credentials and keys: never argv). */
export interface DaemonInput {
  /** wire.ts encodeConfig */
  config: string;
  info: RelayInfo;
  dir: string;
  token: string;
  tls: { cert: string; key: string };
  /** The inode of the control socket file: the relay is orphaned once the file there is another. */
  controlInode: number;
  /** The process the starting run becomes (kubectl, or the program of `env --`): the relay stays while it lives. */
  lease?: number;
}

/**
 * `kubectl-sock __relay NAME`: the shared relay process. The run that starts
 * it has already listened on 127.0.0.1 and on the control socket and written
 * the kubeconfig, so it can hand itself over to kubectl at once: kubectl's
 * connections wait in the listening socket's queue until this process, still
 * starting, accepts them. It reads its input from stdin, serves until
 * stopped, idle or orphaned, then removes its state. It runs in a session of
 * its own (no terminal signal reaches it), in /, with stderr to its log.
 */
export async function runRelayDaemon(ctx: Ctx): Promise<number> {
  const input = JSON.parse(await readAll(ctx.streams.in)) as DaemonInput;
  input.info.pid = ctx.pid;
  const config = decodeConfig(input.config);
  // Errors reach kubectl in the relay's 500 answers; the relay's own lines would only fill the log.
  const quiet = new Writable({ write: (_c, _e, done) => done() });
  const relayCtx: Ctx = { ...ctx, streams: Object.create(ctx.streams, { errOut: { value: quiet } }) as Ctx['streams'] };
  const klog = newKlog(0, quiet, () => ctx.now(), ctx.pid);
  const upstream = new Upstream(relayCtx, config, klog);
  const control = join(input.dir, CONTROL_SOCKET);
  const owned = () => inodeOf(control) === input.controlInode;
  let lifetime: Lifetime | undefined;
  const relay = await startRelay(relayCtx, upstream, klog, {
    listen: { kind: 'tcp', host: '127.0.0.1', port: 0, tls: input.tls, fd: RELAY_FD },
    rules: passthroughRules(config, input.token),
    maxConnections: 0,
    keepaliveMs: 0,
    expireAfterMs: 0,
    accessLog: noAccessLog,
    onConnectionCount: (n) => lifetime?.setConnections(n),
  });
  lifetime = new Lifetime({
    persist: input.info.persist, idleMs: input.info.idleMs, now: () => ctx.now().getTime(),
    alive: (pid) => isAlive(ctx, pid), owned,
    onEnd: () => void relay.stop(),
  });
  if (input.lease !== undefined) lifetime.lease(input.lease);
  const endpoint: RelayEndpoint = { url: `https://${relay.address}`, caPem: input.tls.cert, token: input.token };
  const probe = () => upstreamAnswers({ ...relayCtx, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }, upstream);
  const server = await serveControl({ fd: CONTROL_FD }, async (req) => {
    const reply = answer(req, input, lifetime as Lifetime, endpoint, relay);
    if (req.op === 'hello' && req.probe && reply.ok && !(await probe())) reply.upstream = 'down';
    return reply;
  });
  lifetime.start();
  // For `relay list` when the relay does not answer, and for people looking: nothing secret.
  if (owned()) writePrivateFile(join(input.dir, INFO_FILE), `${JSON.stringify(input.info)}\n`);
  await relay.done.catch((err: unknown) => ctx.streams.errOut.write(`${(err as Error).message}\n`));
  lifetime.stop();
  // Only what is still ours: a relay that took over the folder keeps its own files. Removed before the
  // control socket closes, so that a client that saw it close finds them gone.
  if (owned()) {
    rmSync(join(input.dir, INFO_FILE), { force: true });
    rmSync(control, { force: true });
  }
  server.close();
  return 0;
}

/** How long a probe of the server may take: within the asking run's own wait for an answer (control.ts). */
const PROBE_TIMEOUT_MS = 4000;

/**
 * Whether the server answers a GET /version through the relay's own upstream (its
 * pooled connection, when one is open): a run is about to hand over to kubectl,
 * which would otherwise meet a missing or stale socket as five E lines.
 */
async function upstreamAnswers(ctx: Ctx, upstream: Upstream): Promise<boolean> {
  const { checkReachable } = await import('../passthrough/reachable.ts');
  try {
    await checkReachable(ctx, upstream);
    return true;
  } catch {
    return false;
  }
}

/** Kubeconfigs this relay has written already: a hello for one of them costs no write. */
const written = new Set<string>();

function answer(req: ControlRequest, input: DaemonInput, lifetime: Lifetime, endpoint: RelayEndpoint, relay: Relay): ControlReply {
  const info = input.info;
  if (req.op === 'stop') {
    setImmediate(() => void relay.stop());
    return { ok: true, info };
  }
  if (req.persist) lifetime.pin();
  if (req.lease !== undefined) lifetime.lease(req.lease);
  info.persist = lifetime.persist;
  const reply: ControlReply = { ok: true, info: { ...info, connections: lifetime.connections } };
  if (req.kubeconfig) {
    const path = kubeconfigPath(input.dir, req.kubeconfig.context, req.kubeconfig.namespace);
    if (!written.has(path) || !existsSync(path)) writeRelayKubeconfig(path, endpoint, req.kubeconfig.context, req.kubeconfig.namespace);
    written.add(path);
    reply.kubeconfig = path;
  }
  return reply;
}

function isAlive(ctx: Ctx, pid: number): boolean {
  try {
    ctx.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function inodeOf(path: string): number | undefined {
  try {
    return lstatSync(path).ino;
  } catch {
    return undefined;
  }
}

function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (c: string) => (text += c));
    stream.on('end', () => resolve(text));
    stream.on('error', reject);
  });
}
