// cli/route.ts: what `kubectl sock ARGS` is, decided as kubectl decides for the
// same arguments (cobra's Find over the root command, then kubectl's plugin
// handler), and which kubectl commands need the relay. The end-to-end parity of
// these with kubectl 1.33 is test/real/first-day-sockets.test.ts (item 10).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { globalFlags } from '../../../plugin/cli/global-flags.ts';
import { route, strippedCommands, type Route } from '../../../plugin/cli/route.ts';
import { nativeCommands } from '../../../plugin/commands/index.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../helpers/kubeconfig-builder.ts';

const globals = globalFlags('/home/u');
const natives = new Map(nativeCommands().flatMap((s) => [s.name, ...(s.aliases ?? [])].map((n) => [n, s] as const)));
const routeOf = (argv: string[], path = '/nonexistent-bin'): Route => route({ argv, globals, natives, path });

test('strippedCommands :: cobra takes an unknown flag to have a value, and a global bool not', () => {
  assert.equal(strippedCommands(['-A', 'get', 'pods'], globals), ['pods']);
  assert.equal(strippedCommands(['--insecure-skip-tls-verify', 'get', 'pods'], globals), ['get', 'pods']);
  assert.equal(strippedCommands(['-o', 'yaml', 'get', 'ns'], globals), ['get', 'ns']);
  assert.equal(strippedCommands(['--all-namespaces=true', 'get', 'pods'], globals), ['get', 'pods']);
  assert.equal(strippedCommands(['-A', 'get'], globals), [], 'a flag with nothing after its value ends the search');
  assert.equal(strippedCommands(['--', 'get', 'pods'], globals), []);
});

const cases: [string[], Route][] = [
  [['-A', 'get', 'pods'], { kind: 'flags-first', arg: '-A' }],
  [['--insecure-skip-tls-verify-backend', 'logs', 'x'], { kind: 'flags-first', arg: '--insecure-skip-tls-verify-backend' }],
  [['--kubeconfig', 'k', 'nosuch'], { kind: 'flags-first', arg: '--kubeconfig' }],
  [['--server', 'x', 'help', 'describe'], { kind: 'flags-first', arg: '--server' }],
  [['get', 'pods'], { kind: 'native' }],
  [['-o', 'yaml', 'get', 'ns'], { kind: 'native' }],
  [['help', 'get'], { kind: 'native' }],
  [['options'], { kind: 'native' }],
  [[], { kind: 'help', args: [] }],
  [['help'], { kind: 'help', args: ['help'] }],
  [['--help'], { kind: 'help', args: ['--help'] }],
  [['-h'], { kind: 'help', args: ['-h'] }],
  [['help', 'sock'], { kind: 'native' }],
  [['help', 'describe'], { kind: 'kubectl', args: ['help', 'describe'], relay: false }],
  [['config', 'view'], { kind: 'kubectl', args: ['config', 'view'], relay: false }],
  [['--context', 'c', 'config', 'use-context', 'x'], { kind: 'kubectl', args: ['--context', 'c', 'config', 'use-context', 'x'], relay: false }],
  [['plugin', 'list'], { kind: 'kubectl', args: ['plugin', 'list'], relay: false }],
  [['describe', '--help'], { kind: 'kubectl', args: ['describe', '--help'], relay: false }],
  [['exec', 'p', '--', 'sh', '--help'], { kind: 'kubectl', args: ['exec', 'p', '--', 'sh', '--help'], relay: true }],
  [['nosuch'], { kind: 'kubectl', args: ['nosuch'], relay: false }],
  [['describe', 'pods'], { kind: 'kubectl', args: ['describe', 'pods'], relay: true }],
  [['get', '-f', 'x.yaml'], { kind: 'kubectl', args: ['get', '-f', 'x.yaml'], relay: true }],
  [['get', 'pods', '-Rf', 'dir'], { kind: 'kubectl', args: ['get', 'pods', '-Rf', 'dir'], relay: true }],
  [['get', '-k', 'dir'], { kind: 'kubectl', args: ['get', '-k', 'dir'], relay: true }],
  [['get', 'pods', '-L', 'f'], { kind: 'native' }],
  [['--', 'get', 'pods'], { kind: 'kubectl', args: ['get', 'pods'], relay: true }],
  [['--', 'config', 'view'], { kind: 'kubectl', args: ['config', 'view'], relay: false }],
];
for (const [argv, want] of cases) {
  test(`route :: ${argv.join(' ') || '(nothing)'}`, () => {
    assert.equal(routeOf(argv), want);
  });
}

test('route :: with kuberc preferences in effect, native and unknown verbs (aliases) go through the relay; local verbs stay local', () => {
  const withKuberc = (argv: string[]) => route({ argv, globals, natives, path: '/nonexistent-bin', kuberc: true });
  assert.equal(withKuberc(['get', 'pods']), { kind: 'kubectl', args: ['get', 'pods'], relay: true });
  assert.equal(withKuberc(['getn', '--kuberc=/k', 'x']), { kind: 'kubectl', args: ['getn', '--kuberc=/k', 'x'], relay: true });
  assert.equal(withKuberc(['config', 'view']), { kind: 'kubectl', args: ['config', 'view'], relay: false });
  assert.equal(routeOf(['get', 'pods']), { kind: 'native' });
});

test('route :: an unknown verb with a kubectl-<verb> plugin on PATH goes through the relay (the plugin may want the server)', () => {
  const bin = tempDir('ksock-route-');
  writeFileSync(join(bin, 'kubectl-foo_bar'), '#!/bin/sh\n', { mode: 0o755 });
  assert.equal(routeOf(['foo-bar', 'x'], bin), { kind: 'kubectl', args: ['foo-bar', 'x'], relay: true });
  assert.equal(routeOf(['foo', 'bar'], bin), { kind: 'kubectl', args: ['foo', 'bar'], relay: false });
});

test.run();
