// Makes the binary's V8 code cache by running kubectl-sock's everyday commands
// against the project's fake API server on a unix socket, each run starting
// from the cache the previous runs left (scripts/code-cache/run.cjs). The runs
// use the very Node the binary embeds: V8 accepts a cache only from its own
// version and flags. Writes the wrapped bundle the binary compiles and the cache
// (scripts/code-cache/sea-app.ts):
//   node scripts/code-cache/train.ts BUNDLE NODE OUT_DIR
// The runs use the binary's own V8 flags (its SEA execArgv, node-flags.ts),
// which V8 checks, plus --predictable, which it does not (as for pkg's own
// code cache, scripts/pkg-sea.ts): V8's hash seed, random seed and GC schedule
// are then fixed, and with fixed inputs (the fake's objects, dates and log)
// the same bundle trains the same cache byte for byte, so make build stays
// reproducible (test/e2e/reproducible.test.ts).
// The cache holds compiled code and the source's own literals, nothing a run
// read or printed; the fake server holds no credentials anyway.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeApiServer, type FakeApiServer } from '../../test/helpers/fake-apiserver.ts';
import { generatedLog } from '../../test/helpers/fake-apiserver/generated-log.ts';
import { NODE_FLAGS } from './node-flags.ts';
import { writeSeaApp } from './sea-app.ts';

const [bundle, node, outDir] = process.argv.slice(2);
if (!bundle || !node || !outDir) throw new Error('usage: train.ts BUNDLE NODE OUT_DIR');
const TRAINING_FLAGS = ['--predictable', ...NODE_FLAGS];

/** The commands, most often run last (a later run's garbage collections could age out what an earlier one compiled). */
function commands(server: string): string[][] {
  return [
    ['get', 'pods', '-o', 'yaml'],
    ['get', 'pods', '-o', 'json'],
    ['get', 'pods', '-o', 'name'],
    ['get', 'pods', '-o', 'wide', '-A'],
    ['get', 'pod', 'web-0', '--show-labels'],
    ['get', 'pods', 'missing'],
    ['get', 'deployments,services'],
    ['__complete', 'get', 'pods', ''],
    ['--server', server, 'get', 'pods'],
    ['logs', 'web-0'],
    ['logs', 'web-0', '--tail', '5', '--timestamps'],
    ['version', '--client'],
    ['get', 'pods'],
    ['get', 'pods'],
  ];
}

function seed(api: FakeApiServer): void {
  const created = '2026-01-01T00:00:00Z';
  for (let i = 0; i < 3; i++) {
    api.addObject({
      apiVersion: 'v1', kind: 'Pod',
      // A fixed uid: printers branch on what a value looks like (a uid may start 0x…), and V8 keeps which branches ran.
      metadata: { name: `web-${i}`, namespace: 'default', uid: `8f0c6a52-4d1e-4b7a-9c3e-00000000000${i}`, labels: { app: 'web' }, creationTimestamp: created },
      spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'registry.example/app:1' }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: { startedAt: created } } }] },
    });
  }
  api.setLogs('default', 'web-0', 'app', generatedLog(4 << 20));
}

/** A kubeconfig naming the socket, as users keep one. */
function kubeconfig(server: string): string {
  return `apiVersion: v1\nkind: Config\nclusters:\n- name: local\n  cluster:\n    server: ${server}\ncontexts:\n- name: local\n  context:\n    cluster: local\n    namespace: default\n    user: local\ncurrent-context: local\nusers:\n- name: local\n  user: {}\n`;
}

async function main(): Promise<void> {
  const { wrapped, cache } = writeSeaApp(bundle as string, outDir as string);
  rmSync(cache, { force: true });
  const home = mkdtempSync(join(tmpdir(), 'ksock-code-cache-'));
  const api = await startFakeApiServer({ unixSocket: join(home, 'api.sock') });
  try {
    seed(api);
    mkdirSync(join(home, '.kube'));
    writeFileSync(join(home, '.kube', 'config'), kubeconfig(api.unixUrl as string));
    for (const args of commands(api.unixUrl as string)) {
      // Asynchronous: the fake answers from this process.
      const r = await run(node as string, [...TRAINING_FLAGS, join(import.meta.dirname, 'run.cjs'), 'train', wrapped, cache, '--', ...args], home);
      if (r.error) throw new Error(`training run ${args.join(' ')}: ${r.error}`);
    }
  } finally {
    await api.close();
    rmSync(home, { recursive: true, force: true });
  }
  // The cache must be one the embedded Node accepts, run with the binary's flags alone.
  const check = spawnSync(node as string, [...NODE_FLAGS, join(import.meta.dirname, 'run.cjs'), 'check', wrapped, cache, '--', 'version', '--client'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
  if (check.status !== 0) throw new Error(`the trained cache does not load: ${check.stderr}`);
  console.error(`trained the code cache: ${(statSync(cache).size / 1024).toFixed(0)} KiB`);
}

function run(cmd: string, args: string[], home: string): Promise<{ error?: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      env: { PATH: '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    // Commands that fail on purpose (a missing pod) exit 1; a crash would print a stack.
    child.on('close', (code) => resolve(code === 0 || (code === 1 && !/\n\s+at /.test(stderr)) ? {} : { error: `exit ${code}: ${stderr}` }));
  });
}

await main();
