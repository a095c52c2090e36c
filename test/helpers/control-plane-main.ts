// A seeded real control plane for demos and manual checks: kube-apiserver +
// etcd (scripts/control-plane, built on first use), a fake kubelet serving the
// EXPIRED certificate, and the content of seedCluster. Prints one JSON line
// {dir, server, kubeconfig, kubeletPort, ...} on stdout once ready, then runs
// until SIGINT/SIGTERM, and stops everything it started (the exit guards of
// control-plane.ts run `scripts/control-plane down` before the folder goes).
// Usage: node test/helpers/control-plane-main.ts [--valid-kubelet-cert]
import { startControlPlane } from './control-plane.ts';
import { seedCluster, SHOP } from './seed-cluster.ts';

const cp = await startControlPlane();
try {
  const { start } = await import('./fake-kubelet.ts');
  const identity = process.argv.includes('--valid-kubelet-cert') ? cp.kubelet.valid : cp.kubelet.expired;
  const kubelet = await start({ cert: identity.cert, key: identity.key });
  kubelet.setLogs(SHOP, 'multi', 'app', '2026-01-01 00:00:00 starting app\n2026-01-01 00:00:01 listening on :8080\n2026-01-01 00:00:02 GET /healthz 200\n');
  kubelet.setLogs('default', 'hello', 'hello', 'hello from the fake kubelet\n');
  await seedCluster(cp, { kubeletPort: kubelet.port });
  process.stdout.write(`${JSON.stringify({ dir: cp.dir, server: cp.server, kubeconfig: cp.kubeconfig, version: cp.version, kubeletPort: kubelet.port })}\n`);
  // Until a signal: the exit guards stop the control plane and exit.
  setInterval(() => undefined, 1 << 30);
} catch (err) {
  await cp.stop();
  throw err;
}
