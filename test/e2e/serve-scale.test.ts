// Scale: one `kubectl sock serve` (the built binary) with 500 sockets and 200
// concurrent keep-alive clients spread over all of them, running the load
// generator's checked mix (gets, lists, watches, followed logs). Nothing may be
// lost, the descriptors must come back to where they were, RSS must stay at or
// under 150 MiB, and a revocation in the middle of the load must cut its
// sockets' connections within 1 s. `make test` runs a few seconds, `make fuzz` a minute.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.ts';
import { fuzzMode, seededRandom } from '../helpers/fuzz.ts';
import { kc, tempDir } from '../helpers/kubeconfig-builder.ts';
import { runLoad, seedLoad, type Tally } from '../helpers/load-generator.ts';
import { openFds, rssKiB, settledFds } from '../helpers/proc.ts';
import { socketsDir, startRevocationProbe, startServe, writeServeConfig, type Serve } from '../helpers/serve.ts';

const SOCKETS = 500;
const CLIENTS = 200;
/** Sockets granted for the revocation, each holding a watch while the load runs. */
const REVOKED = 20;
/** Each phase moves every client to another socket, so the 200 clients reach all 500. */
const PHASES = 3;
const PHASE_MS = fuzzMode ? 20_000 : 2_500;
const RSS_LIMIT_KIB = 150 * 1024;
const FD_SETTLE_MS = 15_000;

let api: FakeApiServer;
let stopTicker: () => void;
let dir: string;
let serve: Serve;

test.before(async () => {
  const work = tempDir('ksock-serve-scale-');
  api = await startFakeApiServer({ unixSocket: join(work, 'api.sock') });
  // The fake keeps every request for tests; the ticker empties that record as it goes.
  stopTicker = seedLoad(api);
  const admin = kc().cluster('fake', { server: `unix://${join(work, 'api.sock')}` }).user('admin', {})
    .context('admin', { cluster: 'fake', user: 'admin', namespace: 'load' }).current('admin').write(join(work, 'admin.kubeconfig'));
  dir = socketsDir();
  const sockets = Array.from({ length: SOCKETS }, (_, i) => ({ path: join(dir, `s${i}.sock`), owner: 'nobody', as: `user-${i}` }));
  const started = performance.now();
  serve = await startServe(admin, writeServeConfig(join(dir, 'serve.yaml'), sockets), ['--grant-dir', dir]);
  process.stdout.write(`load: serve started ${SOCKETS} sockets in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
});

test.after(async () => {
  await serve?.stop();
  stopTicker?.();
  await api?.close();
});

test(`serve :: ${SOCKETS} sockets, ${CLIENTS} clients over all of them: nothing lost, fds back, RSS ≤ 150 MiB, a revocation under load within 1 s`, async () => {
  const pid = serve.child.pid as number;
  const fdsBefore = openFds(pid);
  for (let i = 0; i < REVOKED; i++) {
    const r = await serve.ctl(['grant', 'daemon', '--as', `revoked-${i}`, '--path', join(dir, `r${i}.sock`)]);
    assert.is(r.code, 0, r.stderr);
  }
  // The watches are held, and the revocation sent and timed, by a process that does nothing else.
  const probe = await startRevocationProbe({ control: serve.control, target: 'daemon' }, Array.from({ length: REVOKED }, (_, i) => join(dir, `r${i}.sock`)));
  let peakKiB = rssKiB(pid);
  const sampler = setInterval(() => (peakKiB = Math.max(peakKiB, rssKiB(pid))), 100);
  const tallies: Tally[] = [];
  let cutMs = -1;
  try {
    for (let phase = 0; phase < PHASES; phase++) {
      const target = (c: number) => ({ origin: 'http://localhost', socketPath: join(dir, `s${(c + phase * CLIENTS) % SOCKETS}.sock`) });
      const load = runLoad(target, CLIENTS, PHASE_MS, seededRandom(40 + phase));
      if (phase === 1) {
        // Mid-phase, with all 200 clients busy: revoke every socket of daemon at once.
        await new Promise((r) => setTimeout(r, PHASE_MS / 2));
        cutMs = await probe.revoke();
      }
      tallies.push(await load);
    }
  } finally {
    clearInterval(sampler);
  }
  const issued = tallies.reduce((n, t) => n + t.issued, 0);
  const completed = tallies.reduce((n, t) => n + t.completed, 0);
  const fdsAfter = await settledFds(pid, fdsBefore.length, FD_SETTLE_MS);
  process.stdout.write(`load: serve ${completed} requests over ${SOCKETS} sockets, ${issued - completed} lost, fds ${fdsBefore.length}→${fdsAfter.length}, peak rss ${(peakKiB / 1024).toFixed(1)} MiB, ${REVOKED} revoked sockets cut in ${cutMs.toFixed(0)} ms\n`);
  assert.is(tallies.reduce((n, t) => n + t.failed, 0), 0, tallies.flatMap((t) => t.failures).join('; '));
  assert.is(completed, issued);
  assert.ok(cutMs >= 0 && cutMs <= 1000, `the revoked sockets' connections closed ${cutMs} ms after the revocation`);
  for (let i = 0; i < REVOKED; i++) assert.not.ok(existsSync(join(dir, `r${i}.sock`)));
  assert.ok(peakKiB <= RSS_LIMIT_KIB, `peak RSS ${(peakKiB / 1024).toFixed(1)} MiB`);
  assert.ok(fdsAfter.length <= fdsBefore.length, `descriptors grew:\nbefore ${fdsBefore.length}, after:\n${fdsAfter.slice(fdsBefore.length - 5).join('\n')}`);
});

test.run();
