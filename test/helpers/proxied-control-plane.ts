// A real control plane behind `kubectl proxy --unix-socket`, as the real-tier
// tests that compare kubectl-sock over a socket with kubectl over TLS set it up:
// seeded first, then served; the control plane is stopped if either fails.
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from './control-plane.ts';
import { startKubectlProxy, type Background } from './processes.ts';

export interface ProxiedControlPlane {
  cp: ControlPlane;
  /** kubectl proxy on a unix socket (its `address`), with the control plane's admin kubeconfig. */
  proxy: Background & { address: string };
  /** Stops the proxy, then the control plane. */
  stop(): Promise<void>;
}

/** Starts the control plane, runs `seed` on it, then kubectl proxy on `kubectl-proxy.sock` in `socketDir` (default: the control plane's folder). */
export async function startProxiedControlPlane(seed: (cp: ControlPlane) => Promise<void> = async () => undefined, socketDir?: string): Promise<ProxiedControlPlane> {
  const cp = await startControlPlane();
  try {
    await seed(cp);
    const proxy = await startKubectlProxy(cp.kubeconfig, { unixSocket: join(socketDir ?? cp.dir, 'kubectl-proxy.sock') });
    return {
      cp,
      proxy,
      async stop() {
        await proxy.stop();
        await cp.stop();
      },
    };
  } catch (err) {
    await cp.stop();
    throw err;
  }
}
