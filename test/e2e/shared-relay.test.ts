// The shared relay's life: one relay per upstream, reused by later runs on the
// same port; replaced when it was killed, when its port was taken, when its
// certificate nears its end; one relay for concurrent first runs; an idle exit
// for passthrough-started relays that never cuts a watch or a running kubectl;
// `env`-started relays that stay; `relay list` and `relay stop`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.ts';
import { kc, tempDir } from '../helpers/kubeconfig-builder.ts';
import { BINARY, KUBECTL, cleanEnv, sock } from '../helpers/processes.ts';
import { eventually, relayProcesses, relayStates, stopAllRelays } from '../helpers/relays.ts';

const fakeKubectl = join(import.meta.dirname, '..', 'fixtures', 'fake-kubectl.sh');
let dir: string;
let api: FakeApiServer;
let kubeconfig: string;

test.before(async () => {
  dir = tempDir('ksock-shared-');
  api = await startFakeApiServer({ unixSocket: join(dir, 'api.sock'), tcp: true });
  api.addObject({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], nodeName: 'node-1' },
    status: { phase: 'Running' },
  });
  kubeconfig = kc().cluster('fake', { server: api.unixUrl as string }).user('me', {})
    .context('fake', { cluster: 'fake', user: 'me', namespace: 'default' }).current('fake').write(join(dir, 'kubeconfig'));
});

test.after(async () => {
  await stopAllRelays();
  await api?.close();
});

test.after.each(async () => {
  await stopAllRelays();
});

/** A passthrough run whose kubectl is the fake (it probes the relay and exits). */
function run(env: Record<string, string> = {}, args = ['describe', 'pod', 'web']) {
  return sock(['--kubeconfig', kubeconfig, ...args], { env: { KUBECTL_SOCK_KUBECTL: fakeKubectl, FAKE_KUBECTL_MODE: 'exit 0', ...env } });
}

async function onlyRelay() {
  const states = await relayStates();
  assert.is(states.length, 1, JSON.stringify(states));
  return states[0] as (typeof states)[0];
}

test('reuse :: later runs use the running relay: same process, same address, same kubeconfig', async () => {
  const first = await run();
  assert.is(first.code, 0, first.stderr);
  const relay = (await onlyRelay());
  for (let i = 0; i < 3; i++) assert.is((await run()).code, 0);
  assert.equal((await onlyRelay()), relay);
  assert.equal(relayProcesses(), [relay.pid]);
  const listed = await sock(['relay', 'list']);
  assert.match(listed.stdout, /^NAME +SERVER +CONTEXT +ADDRESS +PID +LIFETIME +CLIENTS +AGE\n/);
  assert.match(listed.stdout, new RegExp(`^${relay.name} +unix://\\S+api\\.sock +fake +${relay.address.replaceAll('.', '\\.')} +${relay.pid} +idle 5s +\\d+ +\\d+s\\n$`, 'm'));
});

test('stable address :: a relay started again (after stop, after SIGKILL) listens on the same port', async () => {
  await run();
  const first = (await onlyRelay());
  await sock(['relay', 'stop', '--kubeconfig', kubeconfig]);
  assert.equal((await relayStates()), []);
  await run();
  const second = (await onlyRelay());
  assert.is.not(second.pid, first.pid);
  assert.is(second.address, first.address);
  process.kill(second.pid, 'SIGKILL');
  await eventually('the relay to die', () => relayProcesses().length === 0);
  // Its state is left behind: relay.json, a control socket nobody listens on.
  assert.is((await relayStates()).length, 1);
  const r = await run();
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout.match(/^no-token=401$/m)?.[0], 'no-token=401', 'the new relay answers');
  const third = (await onlyRelay());
  assert.is.not(third.pid, second.pid);
  assert.is(third.address, first.address);
});

test('start lock :: a lock left by a run killed while it started the relay is taken over at once', async () => {
  await run();
  const relay = await onlyRelay();
  await stopAllRelays();
  const dead = spawnSync('true').pid as number;
  mkdirSync(join(relay.dir, 'start.lock'));
  writeFileSync(join(relay.dir, 'start.lock', 'pid'), String(dead));
  const started = Date.now();
  const r = await run();
  assert.is(r.code, 0, r.stderr);
  assert.ok(Date.now() - started < 5000, 'not held up by the dead lock');
  assert.match(r.stdout, /^no-token=401$/m);
});

test('port taken :: when another program holds the port, the relay takes another', async () => {
  await run();
  const first = (await onlyRelay());
  await stopAllRelays();
  const squatter = createServer();
  const port = Number(first.address.split(':')[1]);
  await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
  try {
    const r = await run();
    assert.is(r.code, 0, r.stderr);
    assert.is.not((await onlyRelay()).address, first.address);
    assert.match(r.stdout, /^no-token=401$/m);
  } finally {
    squatter.close();
  }
});

test('certificate :: a relay whose certificate nears its end is replaced by the next run', async () => {
  const env = { KUBECTL_SOCK_RELAY_CERT_VALIDITY: '3s' };
  await run(env);
  const first = (await onlyRelay());
  // Replaced in the last tenth of its validity: after 2.7 s.
  await new Promise((r) => setTimeout(r, 3000));
  const r = await run(env);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^no-token=401$/m);
  assert.is.not((await onlyRelay()).pid, first.pid);
  const replacement = (await onlyRelay()).pid;
  await eventually('only the new relay to run', () => relayProcesses().join() === String(replacement));
});

test('concurrent first runs :: six runs at once start one relay between them', async () => {
  const runs = await Promise.all(Array.from({ length: 6 }, () => run()));
  for (const r of runs) assert.is(r.code, 0, r.stderr);
  assert.is(relayProcesses().length, 1);
  assert.is((await relayStates()).length, 1);
});

test('idle :: a passthrough-started relay ends after its idle time with no client', async () => {
  await run({ KUBECTL_SOCK_RELAY_IDLE_TIMEOUT: '1s' });
  const relay = (await onlyRelay());
  await eventually('the idle relay to end', () => relayProcesses().length === 0, 5000);
  assert.equal((await relayStates()), [], 'it removed its state');
  assert.is(relay.pid > 0, true);
});

test('idle :: a watch through the relay keeps it, and still gets events after the idle time', async () => {
  const env = cleanEnv({ KUBECTL_SOCK_KUBECTL: KUBECTL, KUBECTL_SOCK_RELAY_IDLE_TIMEOUT: '1s' });
  const child = spawn(BINARY, ['--kubeconfig', kubeconfig, '--', 'get', 'pods', '-w', '--output-watch-events'], { env });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  try {
    await eventually('the watch to list', () => out.includes('web'));
    await new Promise((r) => setTimeout(r, 2500));
    assert.is(relayProcesses().length, 1, 'the relay outlives its idle time while the watch runs');
    api.addObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'late', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' }, spec: { containers: [{ name: 'a', image: 'a' }] } });
    await eventually('the new pod to reach the watch', () => /ADDED +late/.test(out));
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.on('close', r));
  }
});

test('lease :: a kubectl still running with no connection open (an editor open in `edit`) keeps its relay', async () => {
  // Stands in for kubectl edit: reads its kubeconfig, waits with no connection, then uses the relay.
  const slow = join(dir, 'kubectl-slow');
  writeFileSync(slow, `#!/bin/sh\nsleep 2.5\nexec ${fakeKubectl} "$@"\n`, { mode: 0o755 });
  const r = await run({ KUBECTL_SOCK_KUBECTL: slow, KUBECTL_SOCK_RELAY_IDLE_TIMEOUT: '1s' });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^no-token=401$/m, 'the relay was still there after the idle time');
});

test('env :: a relay that `env` started or used lives on past its idle time', async () => {
  const env = { KUBECTL_SOCK_RELAY_IDLE_TIMEOUT: '1s' };
  await run(env);
  const printed = await sock(['env', '--kubeconfig', kubeconfig], { env });
  assert.is(printed.code, 0, printed.stderr);
  await new Promise((r) => setTimeout(r, 2500));
  assert.is(relayProcesses().length, 1);
  const listed = await sock(['relay', 'list']);
  assert.match(listed.stdout, / until stopped /);
});

test('relay stop :: by name, every one, and the errors', async () => {
  await run();
  const relay = (await onlyRelay());
  const byName = await sock(['relay', 'stop', relay.name]);
  assert.is(byName.stdout, `relay "${relay.name}" stopped\n`);
  await eventually('the relay to end', () => relayProcesses().length === 0);
  const none = await sock(['relay', 'stop', '--kubeconfig', kubeconfig]);
  assert.equal([none.code, none.stderr], [1, 'error: no relay is running for this context\n']);
  const unknown = await sock(['relay', 'stop', 'nosuch']);
  assert.equal([unknown.code, unknown.stderr], [1, 'error: relay "nosuch" not found\n']);
  const empty = await sock(['relay', 'list']);
  assert.equal([empty.code, empty.stdout, empty.stderr], [0, '', 'No relays are running.\n']);
  const all = await stopAllRelays();
  assert.equal([all.code, all.stdout], [0, '']);
});

test.run();
