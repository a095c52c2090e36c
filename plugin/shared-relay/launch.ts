import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Ctx } from '../context.ts';
import { InterruptedError, SockError } from '../errors.ts';
import type { RestConfig } from '../kube/clientcmd/client-config.ts';
import { BUILD } from './build.ts';
import { askRelay, expiring, type ControlReply, type ControlRequest } from './control.ts';
import { CONTROL_SOCKET, START_LOCK, type RelayInfo } from './relay-files.ts';
import { relayName } from './relay-key.ts';
import { privateFolder, stateRoot } from './state-dir.ts';
import { identityText } from './wire.ts';

/** What a run needs from the shared relay. */
export interface RelayUse {
  config: RestConfig;
  /** `env`: the relay lives until stopped. */
  persist: boolean;
  /** Keep the relay while this process lives (the kubectl or program this run becomes). */
  lease?: number;
  /** The relay folder the config's kubeconfig came from (relay-kubeconfig-source.ts): use that relay, start none. */
  via?: string;
}

export interface RelayHandle {
  /** The kubeconfig of the config's context and namespace through the relay. */
  kubeconfig: string;
  info: RelayInfo;
}

/**
 * The shared relay for this config's upstream: the running one, or a new one
 * started under the folder's lock, so that two first runs at once start one
 * relay between them. A relay that died (its control socket refuses), hangs,
 * or whose certificate is about to expire is replaced.
 */
export async function useRelay(ctx: Ctx, use: RelayUse): Promise<RelayHandle> {
  const hello: ControlRequest = {
    op: 'hello', persist: use.persist || undefined, lease: use.lease,
    kubeconfig: { context: use.config.contextName, namespace: use.config.namespace },
  };
  const fresh = (r: ControlReply | undefined) => (r?.ok && r.kubeconfig && !expiring(ctx.now(), r.info) ? { kubeconfig: r.kubeconfig, info: r.info } : undefined);
  if (use.via) {
    const r = await askRelay(join(use.via, CONTROL_SOCKET), hello);
    if (r?.ok && r.kubeconfig) return { kubeconfig: r.kubeconfig, info: r.info };
    throw new SockError('E_RELAY', `the relay whose kubeconfig this is (${use.via}) is not running; start it again with: eval "$(kubectl sock env --unset)"; eval "$(kubectl sock env)"`);
  }
  const root = stateRoot(ctx);
  const name = relayName(root, identityText(use.config, ctx.env, BUILD, ctx.cwd));
  const dir = privateFolder(join(root, name), ctx.uid);
  const socket = join(dir, CONTROL_SOCKET);
  const running = fresh(await askRelay(socket, hello));
  if (running) return running;
  return withStartLock(ctx, dir, async () => {
    const again = await askRelay(socket, hello);
    if (fresh(again)) return fresh(again) as RelayHandle;
    if (again?.ok) await stopRelay(socket);
    const { startRelayProcess } = await import('./start.ts');
    return startRelayProcess(ctx, { name, dir, config: use.config, persist: use.persist, lease: use.lease, build: BUILD });
  });
}

/** Asks the relay to end, and waits until its control socket stops answering. */
export async function stopRelay(socket: string): Promise<boolean> {
  const r = await askRelay(socket, { op: 'stop' });
  if (!r) return false;
  for (let i = 0; i < 200 && (await askRelay(socket, { op: 'hello' }, 1000)); i++) await sleep(25);
  return true;
}

/** A start takes well under a second; a lock older than this was abandoned whatever its holder's pid says. */
const LOCK_STALE_MS = 10_000;
const WAIT_TIMEOUT_MS = 30_000;

/**
 * mkdir is atomic: whoever creates the lock folder starts the relay; the
 * others wait and then use it. The holder leaves its pid inside, so a lock
 * whose holder was killed mid-start is taken over at once.
 */
async function withStartLock<T>(ctx: Ctx, dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, START_LOCK);
  const deadline = ctx.now().getTime() + WAIT_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(lock, { mode: 0o700 });
      writeFileSync(join(lock, 'pid'), String(ctx.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (abandoned(ctx, lock)) rmSync(lock, { recursive: true, force: true });
    else if (ctx.now().getTime() > deadline) throw new SockError('E_RELAY', `timed out waiting for another run to start the relay (${lock})`);
    else await sleep(20);
    if (ctx.signal.aborted) throw new InterruptedError(ctx.signal.reason);
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The lock's holder died, or it has been held far longer than a start takes. */
function abandoned(ctx: Ctx, lock: string): boolean {
  try {
    if (ctx.now().getTime() - statSync(lock).mtimeMs > LOCK_STALE_MS) return true;
    ctx.kill(Number(readFileSync(join(lock, 'pid'), 'utf8')), 0);
    return false;
  } catch (err) {
    // No pid yet (just made), or one we may not signal: alive. Gone: abandoned.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
