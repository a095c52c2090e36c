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
import { follow, seedCluster, SKIP } from '../e2e/logs-fixtures.ts';
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

// The case list of test/e2e/logs.test.ts (kept in step by hand until that file
// exports it; see the note in test/control-plane/NOTES.md).
const cases: Array<[string, string[], { sortLines?: boolean }?]> = [
  ['POD', ['single']],
  ['pod/NAME', ['pod/single']],
  ['po/NAME', ['po/single']],
  ['other namespace', ['elsewhere', '-n', 'other']],
  ['default container, Defaulted line', ['multi']],
  ['-c', ['multi', '-c', 'sidecar']],
  ['inline CONTAINER', ['multi', 'sidecar']],
  ['-c with inline CONTAINER', ['multi', 'sidecar', '-c', 'app']],
  ['unknown container', ['multi', '-c', 'nope']],
  ['--all-containers', ['multi', '--all-containers'], { sortLines: true }],
  ['--all-containers --prefix', ['multi', '--all-containers', '--prefix'], { sortLines: true }],
  ['--all-containers with -c', ['multi', '--all-containers', '-c', 'app']],
  ['ephemeral containers', ['debugged', '--all-containers=true', '--prefix'], { sortLines: true }],
  ['default-container annotation', ['annotated']],
  ['annotation naming no container', ['misannotated']],
  ['deploy/NAME: Found N pods', ['deploy/web']],
  ['deployment.apps/NAME --all-pods', ['deployment.apps/web', '--all-pods'], { sortLines: true }],
  ['rs/NAME', ['rs/web-rs']],
  ['svc/NAME', ['svc/web']],
  ['svc without selector', ['svc/headless']],
  ['a type without pods', ['cm/settings']],
  ['job/NAME (missing)', ['job/hello']],
  ['sts/NAME (missing)', ['sts/db']],
  ['ds/NAME (missing)', ['ds/agent']],
  ['rc/NAME (missing)', ['rc/legacy']],
  ['missing pod', ['nosuch']],
  ['missing deployment', ['deploy/nope']],
  ['unknown type', ['foo/bar']],
  ['two slashes', ['a/b/c']],
  ['-l (tail 10 each)', ['-l', 'app=web'], { sortLines: true }],
  ['-l --tail --prefix', ['-l', 'app=web', '--tail=1', '--prefix'], { sortLines: true }],
  ['-l matching nothing', ['-l', 'app=none']],
  ['-l bad selector', ['-l', 'a b']],
  ['no name', []],
  ['name and -l', ['single', '-l', 'app=web']],
  ['three arguments', ['a', 'b', 'c']],
  ['--tail', ['single', '--tail=2']],
  ['--tail=0', ['single', '--tail=0']],
  ['--timestamps', ['single', '--timestamps']],
  ['--since-time with an offset and a fraction', ['single', `--since-time=2024-01-02T05:04:07.5+02:00`]],
  ['--since', ['recent', '--since=1h']],
  ['--since rounding to 0', ['single', '--since=400ms']],
  ['--limit-bytes', ['single', '--limit-bytes=7']],
  ['-p', ['restarted', '-p']],
  ['-p without a previous instance', ['single', '--previous']],
  ['--since with --since-time', ['single', '--since=1s', `--since-time=2024-01-02T03:04:05Z`]],
  ['negative --since', ['single', '--since=-1s']],
  ['--tail below -1', ['single', '--tail=-2']],
  ['negative --limit-bytes', ['single', '--limit-bytes=-1']],
  ['bad --since-time', ['single', '--since-time=yesterday']],
  ['--pod-running-timeout=0', ['single', '--pod-running-timeout=0']],
  ['bad flag value', ['single', '--tail=x']],
  ['container waiting', ['starting']],
  ['--ignore-errors', ['-l', 'tier=mixed', '--all-containers', '--ignore-errors'], { sortLines: true }],
  ['error without --ignore-errors', ['-l', 'stuck=yes', '--all-containers']],
  ['unscheduled pod', ['pending']],
  ['--insecure-skip-tls-verify-backend', ['single', SKIP]],
  ['expired kubelet certificate', ['remote']],
  ['expired kubelet certificate, skipped', ['remote', SKIP]],
  ['-f to a limit', ['single', '-f', '--limit-bytes=9']],
  ['-f over --max-log-requests', ['-f', '-l', 'app=web', '--max-log-requests=2']],
  ['-f, several streams (each ends at its limit)', ['-f', '-l', 'app=web', '--max-log-requests=10', '--tail=1', '--limit-bytes=8', '--prefix'], { sortLines: true }],
  ['deploy with no pods: timeout', ['deploy/empty', '--pod-running-timeout=1s']],
];

for (const [what, args, opts] of cases) {
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
