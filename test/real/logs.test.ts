// The `logs` parity suite of test/e2e/logs.test.ts, on a REAL kube-apiserver:
// the same cluster (test/e2e/logs-fixtures.ts's seedCluster, replayed onto the
// real server), every container log served by fake kubelets behind it (node-a
// with a valid certificate; kubelet-node, the `remote` pod's, with the expired
// one), kubectl-sock over real `kubectl proxy --unix-socket` and over its own
// TLS versus kubectl over TLS. Same comparison as the e2e suite: stdout (as
// sorted lines where kubectl's order is random), stderr's first line (the
// x509 hint follows it), exit code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';
import { start as startKubelet, type FakeKubelet } from '../helpers/fake-kubelet.ts';
import { BINARY, KUBECTL } from '../helpers/processes.ts';
import { follow, logsParityCases, seedCluster, SKIP } from '../e2e/logs-fixtures.ts';
import { SeedRecorder, replay } from './fake-seed-replay.ts';
import { assertParity, startTransports, type Transports } from './parity.ts';

let cp: ControlPlane;
let via: Transports;
let valid: FakeKubelet;
let expired: FakeKubelet;

test.before(async () => {
  cp = await startControlPlane();
  try {
    valid = await startKubelet({ cert: cp.kubelet.valid.cert, key: cp.kubelet.valid.key });
    expired = await startKubelet({ cert: cp.kubelet.expired.cert, key: cp.kubelet.expired.key });
    const rec = new SeedRecorder();
    seedCluster(rec.asFakeApiServer(), expired);
    await replay(cp, rec, { kubelet: valid });
    via = await startTransports(cp);
  } catch (err) {
    await cp.stop();
    throw err;
  }
});

test.after(async () => {
  await via?.stop();
  await valid?.close();
  await expired?.close();
  await cp?.stop();
});

for (const [what, args, opts] of logsParityCases) {
  test(`parity :: ${what} :: logs ${args.join(' ')}`, async () => {
    await assertParity(cp, [via.kubectlProxy, via.https], ['logs', ...args], { ...opts, firstStderrLine: true });
  });
}

test('parity :: -f follows new lines until the pod goes away', async () => {
  const args = ['logs', 'tailing', '-f'];
  const a = follow(BINARY, [...via.kubectlProxy.flags, ...args]);
  const b = follow(KUBECTL, ['--kubeconfig', cp.kubeconfig, ...args]);
  await Promise.all([a.waitFor('tail 3\n'), b.waitFor('tail 3\n')]);
  valid.appendLogs('default', 'tailing', 'app', ['tail 4', 'tail 5']);
  await Promise.all([a.waitFor('tail 5\n'), b.waitFor('tail 5\n')]);
  // The pod goes away (as in the e2e test) and its kubelet ends the stream, as a real one does.
  await cp.json('DELETE', '/api/v1/namespaces/default/pods/tailing?gracePeriodSeconds=0');
  valid.endStreams();
  const [ra, rb] = await Promise.all([a.done, b.done]);
  assert.is(ra.stdout, rb.stdout);
  assert.is(ra.stdout, 'tail 1\ntail 2\ntail 3\ntail 4\ntail 5\n');
  assert.is(ra.code, rb.code);
});

test.run();
