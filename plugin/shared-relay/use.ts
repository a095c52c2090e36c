import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FlagValue } from '../cli/flags.ts';
import type { Ctx } from '../context.ts';
import { BUILD } from './build.ts';
import { askRelay, expiring } from './control.ts';
import type { RelayHandle, RelayUse } from './launch.ts';
import { recall, remember, runInputs } from './recent.ts';
import { linkDiscoveryCache } from './discovery-link.ts';
import { CONTROL_SOCKET } from './relay-file-names.ts';
import { stateRoot } from './state-dir.ts';

export interface RunRelay {
  /** The invocation's connection flags and -n: with the environment, what chooses the relay. */
  flags: ReadonlyMap<string, FlagValue>;
  persist: boolean;
  lease?: number;
  /** Ask a recent relay whether its server takes a connection; if not, resolve() again (it says why). */
  probe?: boolean;
  /** Resolves the config (kubeconfig, flags) when the recent relay cannot be used. */
  resolve(): Promise<Omit<RelayUse, 'persist' | 'lease'>>;
  /** The cache folder of the kubectl that will use the relay (discovery-link.ts), if it is known. */
  kubectlCacheDir?: string;
}

/**
 * The shared relay of this run, and the kubeconfig for its context and
 * namespace: the one a run with the same inputs used, if it still answers
 * (recent.ts), else resolved from the kubeconfig and started if need be
 * (launch.ts), and remembered for next time.
 */
export async function relayForRun(ctx: Ctx, r: RunRelay): Promise<RelayHandle> {
  const root = stateRoot(ctx);
  const inputs = runInputs(ctx, r.flags, BUILD);
  const hit = inputs === undefined ? undefined : recall(root, inputs);
  if (hit) {
    const reply = await askRelay(join(hit.dir, CONTROL_SOCKET), { op: 'hello', persist: r.persist || undefined, lease: r.lease, probe: r.probe || undefined });
    if (reply?.ok && reply.upstream !== 'down' && !expiring(ctx.now(), reply.info) && existsSync(hit.kubeconfig)) {
      if (r.kubectlCacheDir) linkDiscoveryCache(r.kubectlCacheDir, reply.info);
      return { kubeconfig: hit.kubeconfig, info: reply.info };
    }
  }
  const { useRelay } = await import('./launch.ts');
  const handle = await useRelay(ctx, { ...(await r.resolve()), persist: r.persist, lease: r.lease });
  if (inputs !== undefined) await remember(root, { inputs, dir: dirname(handle.kubeconfig), kubeconfig: handle.kubeconfig });
  if (r.kubectlCacheDir) linkDiscoveryCache(r.kubectlCacheDir, handle.info);
  return handle;
}
