// The backend-skip proof on a REAL kube-apiserver. The apiserver verifies
// kubelets (--kubelet-certificate-authority); the fake kubelet serves a
// certificate signed by that CA but EXPIRED. Without the flag the real x509
// error reaches the user exactly as kubectl prints it, plus kubectl-sock's
// one-line hint; with --insecure-skip-tls-verify-backend the logs arrive; and
// the apiserver's own metric counts exactly the flagged requests made here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';
import { seedCluster, setKubeletPort, SHOP } from '../helpers/seed-cluster.ts';
import { start as startKubelet } from '../helpers/fake-kubelet.ts';
import { sock, type RunResult } from '../helpers/processes.ts';
import { oracle, startTransports, type Transport, type Transports } from './parity.ts';

type Kubelet = Awaited<ReturnType<typeof startKubelet>>;

const SKIP = '--insecure-skip-tls-verify-backend';
const POD = 'multi';
const LOGS = 'starting app\nlistening on :8080\nGET /healthz 200\n';
const METRIC = 'kube_apiserver_pod_logs_insecure_backend_total';

let cp: ControlPlane;
let via: Transports;
let expired: Kubelet;
const extra: Kubelet[] = [];
/** pods/log requests this file made (kubectl's and ours), by what the apiserver should count. */
const made = { skipTlsAllowed: 0, enforceTls: 0, tlsFailures: 0 };
let base: typeof made;

test.before(async () => {
  cp = await startControlPlane();
  try {
    expired = await startKubelet({ cert: cp.kubelet.expired.cert, key: cp.kubelet.expired.key });
    expired.setLogs(SHOP, POD, 'app', LOGS);
    await seedCluster(cp, { kubeletPort: expired.port });
    via = await startTransports(cp);
    base = await counters();
  } catch (err) {
    await cp.stop();
    throw err;
  }
});

test.after(async () => {
  await via?.stop();
  for (const k of [expired, ...extra]) await k?.close();
  await cp?.stop();
});

async function counters(): Promise<typeof made> {
  return {
    skipTlsAllowed: await cp.metric(METRIC, { usage: 'skip_tls_allowed' }),
    enforceTls: await cp.metric(METRIC, { usage: 'enforce_tls' }),
    tlsFailures: await cp.metric('kube_apiserver_pod_logs_backend_tls_failure_total'),
  };
}

/** One `logs` call, counted the way the apiserver counts it (one pods/log request per call). */
async function logs(run: () => Promise<RunResult>, args: string[], opts: { tlsFails: boolean }): Promise<RunResult> {
  if (args.includes(SKIP)) made.skipTlsAllowed++;
  else {
    made.enforceTls++;
    if (opts.tlsFails) made.tlsFailures++;
  }
  return run();
}

const viaOracle = (args: string[], tlsFails = false) => logs(() => oracle(cp, args), args, { tlsFails });
const viaSock = (t: Transport, args: string[], tlsFails = false) => logs(() => sock([...t.flags, ...args]), args, { tlsFails });
/** The x509 message names the moment of verification: the only part that differs between two runs. */
const stable = (line: string) => line.replace(/current time \S+ is after/, 'current time <now> is after');
const transports = () => [via.kubectlProxy, via.https, via.sockProxy];

test('oracle :: kubectl over TLS gets the real apiserver\'s x509 error', async () => {
  const r = await viaOracle(['logs', '-n', SHOP, POD], true);
  const url = `https://127.0.0.1:${expired.port}/containerLogs/${SHOP}/${POD}/app`;
  assert.is(r.code, 1);
  assert.is(r.stdout, '');
  assert.match(r.stderr, new RegExp(`^Error from server: Get "${url.replaceAll('.', '\\.')}": tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time \\S+Z is after \\S+Z\\n$`));
  assert.is(expired.requests.length, 0, 'the TLS handshake failed: the kubelet saw no request');
});

test('without the flag :: kubectl\'s exact error line, then the hint, exit 1', async () => {
  for (const t of transports()) {
    const theirs = await viaOracle(['logs', '-n', SHOP, POD], true);
    const ours = await viaSock(t, ['logs', '-n', SHOP, POD], true);
    const [first, hint, ...rest] = ours.stderr.split('\n');
    assert.is(stable(first ?? ''), stable(theirs.stderr.trimEnd()), `first stderr line over ${t.name}`);
    assert.match(hint ?? '', new RegExp(SKIP), `hint over ${t.name}: ${ours.stderr}`);
    assert.equal(rest, [''], `exactly two lines over ${t.name}: ${JSON.stringify(ours.stderr)}`);
    assert.is(ours.stdout, '');
    assert.is(ours.code, 1);
  }
  assert.is(expired.requests.length, 0);
});

test('with --insecure-skip-tls-verify-backend :: the logs arrive, as kubectl gets them', async () => {
  const theirs = await viaOracle(['logs', '-n', SHOP, POD, SKIP]);
  assert.is(theirs.stdout, LOGS);
  for (const t of transports()) {
    const before = expired.requests.length;
    const ours = await viaSock(t, ['logs', '-n', SHOP, POD, SKIP]);
    assert.is(ours.stdout, LOGS, `${t.name}: ${ours.stderr}`);
    assert.is(ours.stderr, '');
    assert.is(ours.code, 0);
    const seen = expired.requests.slice(before).map((q) => q.url);
    assert.equal(seen, [`/containerLogs/${SHOP}/${POD}/app`], `${t.name}: the apiserver does not forward the flag itself`);
  }
});

test('with the flag and options :: the kubelet gets kubectl\'s query, the output matches', async () => {
  const args = ['logs', '-n', SHOP, POD, SKIP, '--tail=2', '--timestamps', '--limit-bytes=4096'];
  const theirs = await viaOracle(args);
  const want = expired.requests.at(-1)?.url;
  assert.is(want, `/containerLogs/${SHOP}/${POD}/app?limitBytes=4096&tailLines=2&timestamps=true`);
  for (const t of transports()) {
    const ours = await viaSock(t, args);
    assert.is(ours.stdout, theirs.stdout, t.name);
    assert.is(ours.code, 0, `${t.name}: ${ours.stderr}`);
    assert.is(expired.requests.at(-1)?.url, want, t.name);
  }
});

test('control :: a valid kubelet certificate needs no flag', async () => {
  const valid = await startKubelet({ cert: cp.kubelet.valid.cert, key: cp.kubelet.valid.key });
  extra.push(valid);
  valid.setLogs(SHOP, POD, 'app', LOGS);
  await setKubeletPort(cp, valid.port);
  try {
    for (const t of transports()) {
      const ours = await viaSock(t, ['logs', '-n', SHOP, POD]);
      assert.is(ours.stdout, LOGS, `${t.name}: ${ours.stderr}`);
      assert.is(ours.code, 0);
    }
  } finally {
    await setKubeletPort(cp, expired.port);
  }
});

test('another x509 failure :: unknown authority gets the same line-plus-hint treatment', async () => {
  const wrong = await startKubelet({ cert: cp.kubelet.wrongCa.cert, key: cp.kubelet.wrongCa.key });
  extra.push(wrong);
  await setKubeletPort(cp, wrong.port);
  try {
    const theirs = await viaOracle(['logs', '-n', SHOP, POD], true);
    assert.match(theirs.stderr, /x509: certificate signed by unknown authority\n$/);
    const ours = await viaSock(via.kubectlProxy, ['logs', '-n', SHOP, POD], true);
    const [first, hint] = ours.stderr.split('\n');
    assert.is(first, theirs.stderr.trimEnd());
    assert.match(hint ?? '', new RegExp(SKIP));
    assert.is(ours.code, 1);
  } finally {
    await setKubeletPort(cp, expired.port);
  }
});

test('metric :: skip_tls_allowed went up by exactly the number of flagged requests', async () => {
  const now = await counters();
  assert.ok(made.skipTlsAllowed > 0);
  assert.is(now.skipTlsAllowed - base.skipTlsAllowed, made.skipTlsAllowed, `${METRIC}{usage="skip_tls_allowed"}`);
  assert.is(now.enforceTls - base.enforceTls, made.enforceTls, `${METRIC}{usage="enforce_tls"}`);
  assert.is(now.tlsFailures - base.tlsFailures, made.tlsFailures, 'kube_apiserver_pod_logs_backend_tls_failure_total');
});

test.run();
