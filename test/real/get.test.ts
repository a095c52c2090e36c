// The `get` parity suite of test/e2e/get.test.ts, on a REAL kube-apiserver:
// the same objects (test/e2e/get-fixture.ts's seed, replayed onto the real
// server; its 3000-pod namespace `big`, only read by the e2e `| head` test, is
// left out), kubectl-sock over real `kubectl proxy --unix-socket`, over
// `kubectl sock proxy --unix-socket` and over its own TLS, versus kubectl over
// TLS: stdout, stderr and exit code. A real server stamps creationTimestamp
// itself, so ages are seconds old: parity.ts tolerates an age ticking between
// the oracle's run and ours.
import { test } from 'uvu';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';
import { parityCases, printerCases } from '../e2e/get-cases.ts';
import { seed } from '../e2e/get-fixture.ts';
import { SeedRecorder, replay } from './fake-seed-replay.ts';
import { assertParity, startTransports, type Transports } from './parity.ts';

let cp: ControlPlane;
let via: Transports;

test.before(async () => {
  cp = await startControlPlane();
  try {
    const rec = new SeedRecorder();
    seed(rec.asFakeApiServer());
    rec.objects.splice(0, rec.objects.length, ...rec.objects.filter((o) => o.metadata.namespace !== 'big'));
    await replay(cp, rec, {});
    via = await startTransports(cp);
  } catch (err) {
    await cp.stop();
    throw err;
  }
});

test.after(async () => {
  await via?.stop();
  await cp?.stop();
});

for (const [what, args] of parityCases) {
  test(`kubectl parity :: ${what} :: ${args.join(' ')}`, () => assertParity(cp, via.all, args).then(() => undefined));
}

for (const args of printerCases) {
  test(`printers :: kubectl parity :: ${args.join(' ')}`, () => assertParity(cp, via.all, args).then(() => undefined));
}

test.run();
