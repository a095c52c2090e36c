import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeApiServer, type FakeApiServer } from './fake-apiserver.ts';
import { kc } from './kubeconfig-builder.ts';
import { kubectl, type RunOptions, type RunResult } from './processes.ts';

/** The oracle kubectl, with a kubeconfig naming a fake API server on plain tcp, to see what it does to its disk cache. */
export interface KubectlOnFakeServer {
  api: FakeApiServer;
  /** 127.0.0.1:PORT, as the relay's address is written. */
  address: string;
  /** kubectl's folder name for the server under <cache>/discovery (computeDiscoverCacheDir). */
  folder: string;
  /** Runs kubectl 1.33 with KUBECONFIG naming the server, so `args` hold no connection flag. */
  run(args: readonly string[], opts?: RunOptions): Promise<RunResult>;
  close(): Promise<void>;
}

export async function kubectlOnFakeServer(dir: string): Promise<KubectlOnFakeServer> {
  const api = await startFakeApiServer({ tcp: true });
  const address = new URL(api.httpUrl as string).host;
  const kubeconfig = kc().cluster('c', { server: api.httpUrl }).context('c', { cluster: 'c' }).current('c').write(join(dir, 'kubeconfig'));
  return {
    api, address, folder: address.replace(':', '_'),
    run: (args, opts = {}) => kubectl(args, { ...opts, env: { KUBECONFIG: kubeconfig, ...opts.env } }),
    close: () => api.close(),
  };
}

/** Every servergroups.json under `root` (through links too): where kubectl's discovery cache for a server starts. */
export function serverGroupsFiles(root: string): string[] {
  return (readdirSync(root, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((p) => p === 'servergroups.json' || p.endsWith('/servergroups.json'))
    .map((p) => join(root, p))
    .sort();
}
