import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Ctx } from '../context.ts';
import type { RestConfig } from '../kube/clientcmd/client-config.ts';
import { newKlog } from '../klog.ts';
import { selfSignedCertificate } from '../passthrough/self-signed.ts';
import { noAccessLog } from '../relay/access-log.ts';
import { startRelay } from '../relay/server.ts';
import { Upstream } from '../relay/upstream.ts';
import { writeRelayKubeconfig } from './relay-files.ts';
import { passthroughRules } from './rules.ts';

/**
 * Where a relay process cannot be handed its listening sockets (Windows has
 * no inheritable descriptors to give it), a relay of this run's own: the
 * same TLS, token and transport, in this process, for as long as `run`
 * (which spawns the program) lasts; its kubeconfig in a private temporary
 * folder, removed afterwards.
 */
export async function withOneRunRelay(ctx: Ctx, config: RestConfig, run: (kubeconfig: string) => Promise<number>): Promise<number> {
  const token = randomBytes(32).toString('base64url');
  const tls = selfSignedCertificate(ctx.now());
  // kubectl reports failed round trips itself (the relay answers 500 with Go's error text).
  const quiet = new Writable({ write: (_c, _e, done) => done() });
  // The relay outlives a signal: the program gets it and decides, as it would alone; it stops once the program ended.
  const relayCtx: Ctx = { ...ctx, signal: new AbortController().signal, streams: Object.create(ctx.streams, { errOut: { value: quiet } }) as Ctx['streams'] };
  const klog = newKlog(0, quiet, () => ctx.now(), ctx.pid);
  const relay = await startRelay(relayCtx, new Upstream(relayCtx, config, klog), klog, {
    listen: { kind: 'tcp', host: '127.0.0.1', port: 0, tls },
    rules: passthroughRules(config, token),
    maxConnections: 0,
    keepaliveMs: 0,
    expireAfterMs: 0,
    accessLog: noAccessLog,
  });
  let dir: string | undefined;
  try {
    dir = mkdtempSync(join(ctx.tmpDir, 'kubectl-sock-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeRelayKubeconfig(kubeconfig, { url: `https://${relay.address}`, caPem: tls.cert, token }, config.contextName, config.namespace);
    return await run(kubeconfig);
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await relay.stop();
  }
}
