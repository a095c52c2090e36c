// Issue #19 items 1, 6, 7 and 11 against a REAL kube-apiserver, kubectl 1.33
// beside kubectl-sock on the same kubeconfig: config verbs act on the user's own
// kubeconfig; configuration, TLS and exec credential plugin errors in kubectl's
// words (native get, logs, version and a passed-through describe); --match-server-version.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { clientVersionsAlike, same, sideBySide } from './first-day-fixture.ts';

let cp: ControlPlane;
let dir: string;

test.before(async () => {
  cp = await startControlPlane();
  dir = tempDir('ksock-19-config-');
});

test.after(async () => {
  await cp?.stop();
});

/** The admin kubeconfig with its cluster and user entries changed by `edit`, written to `name`. */
function variant(name: string, edit: (text: string) => string): string {
  const path = join(dir, name);
  writeFileSync(path, edit(readFileSync(cp.kubeconfig, 'utf8')));
  return path;
}

const VERBS = [['get', 'pods'], ['logs', 'nosuch'], ['version'], ['describe', 'pods']];

test('item 1 :: config verbs change and show the user\'s own kubeconfig, as kubectl does to its copy', async () => {
  const extra = '- name: good-ctx\n  context:\n    cluster: ksock\n    user: admin\n    namespace: team\n';
  const withCtx = (t: string) => t.replace('contexts:\n', `contexts:\n${extra}`);
  const ours = variant('ours.kubeconfig', withCtx);
  const theirs = join(dir, 'theirs.kubeconfig');
  copyFileSync(ours, theirs);
  const steps = [
    ['config', 'get-contexts'], ['config', 'use-context', 'good-ctx'], ['config', 'current-context'],
    ['config', 'set-context', '--current', '--namespace=other'], ['config', 'view'], ['config', 'view', '--minify', '--raw'],
    ['config', 'use-context', 'nosuch'], ['config', 'get-clusters'], ['config', 'get-users'],
  ];
  for (const step of steps) {
    // KUBECONFIG for one, --kubeconfig for the other: both name the user's file, each its own copy.
    await same(step, { env: {}, sockArgs: ['--kubeconfig', ours], kubectlArgs: ['--kubeconfig', theirs], prep: (t) => t.replaceAll(ours, '<kc>').replaceAll(theirs, '<kc>') });
    assert.is(readFileSync(ours, 'utf8'), readFileSync(theirs, 'utf8'), `the kubeconfig after ${step.join(' ')}`);
  }
  assert.match(readFileSync(ours, 'utf8'), /current-context: good-ctx/);
  assert.match(readFileSync(ours, 'utf8'), /namespace: other/);
  const viaEnv = await sideBySide(['config', 'current-context'], { env: { KUBECONFIG: ours } });
  assert.is(viaEnv.ours.stdout, 'good-ctx\n');
});

const CONFIG_ERRORS: [string, string[]][] = [
  ['--context nosuch', ['--context', 'nosuch']],
  ['--cluster nosuch', ['--cluster', 'nosuch']],
  ['--user nosuch', ['--user', 'nosuch']],
  ['--context and --cluster both missing: several problems', ['--context', 'nosuch', '--cluster', 'nosuch2']],
  ['--context nosuch with -n (Namespace() skips ConfirmUsable)', ['--context', 'nosuch', '-n', 'x']],
  ['a missing CA file', ['--certificate-authority', '/nonexistent-ksock/ca.crt']],
  ['a TLS name mismatch (DNS SANs listed)', ['--tls-server-name', 'nosuch']],
];

for (const [what, flags] of CONFIG_ERRORS) {
  test(`item 6 :: ${what} :: get, logs, version, describe in kubectl's words`, async () => {
    for (const verb of VERBS) {
      await same([...verb, ...flags], { sockArgs: ['--kubeconfig', cp.kubeconfig], kubectlArgs: ['--kubeconfig', cp.kubeconfig], prep: clientVersionsAlike });
    }
  });
}

test('item 6 :: bad certificate-authority-data, a bad token with a cold discovery cache, several user problems', async () => {
  const kubeconfigs = [
    variant('bad-ca.kubeconfig', (t) => t.replace(/certificate-authority-data: .*/, 'certificate-authority-data: bm90IGEgY2VydGlmaWNhdGU=')),
    variant('bad-token.kubeconfig', (t) => t.replace(/token: .*/, 'token: not-the-token')),
    variant('bad-user.kubeconfig', (t) => t.replace(/token: .*/, 'token: x\n    username: u\n    client-certificate: /nonexistent-ksock/c.crt')),
    variant('token-file.kubeconfig', (t) => t.replace(/token: .*/, 'tokenFile: /nonexistent-ksock/token\n    username: u')),
  ];
  for (const kc of kubeconfigs) {
    for (const verb of VERBS) await same([...verb, '--kubeconfig', kc], { prep: clientVersionsAlike });
  }
});

test('item 7 :: exec credential plugin errors: "Unable to connect to the server: getting credentials: …"', async () => {
  const failing = join(dir, 'failing-plugin.sh');
  writeFileSync(failing, '#!/bin/sh\necho "token expired, log in again" >&2\nexit 3\n', { mode: 0o755 });
  const plugins: [string, string][] = [
    ['missing by path', `      command: ${join(dir, 'no-such-plugin')}\n`],
    ['missing by name', '      command: ksock-no-such-plugin\n'],
    ['missing, with an installHint', '      command: ksock-no-such-plugin\n      installHint: |\n        install it with: apt install ksock-plugin\n'],
    ['exits 3', `      command: ${failing}\n`],
  ];
  for (const [what, exec] of plugins) {
    const kc = variant(`exec-${what.replace(/\W+/g, '-')}.kubeconfig`, (t) =>
      t.replace(/    token: .*\n/, `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      interactiveMode: Never\n${exec}`));
    // kubectl runs a failing plugin once per discovery attempt (its stderr each time); kubectl-sock once.
    const onePluginRun = (t: string) => t.replace(/^token expired, log in again\n/gm, '');
    for (const verb of [['version'], ['get', 'pods'], ['describe', 'pods']]) {
      await same([...verb, '--kubeconfig', kc], { prep: (t) => onePluginRun(clientVersionsAlike(t)) });
    }
  }
});

test('item 11 :: --match-server-version is honoured: passed-through verbs as kubectl, native ones against the plugin\'s own version', async () => {
  await same(['describe', 'ns', 'default', '--match-server-version'], { sockArgs: ['--kubeconfig', cp.kubeconfig], kubectlArgs: ['--kubeconfig', cp.kubeconfig] });
  for (const verb of [['get', 'ns'], ['logs', 'x'], ['version']]) {
    const p = await sideBySide([...verb, '--match-server-version', '--kubeconfig', cp.kubeconfig]);
    const server = /^error: server version \((&version\.Info\{[^}]*\})\) differs from client version/.exec(p.theirs.stderr)?.[1];
    assert.ok(server, `kubectl refused: ${p.theirs.stderr}`);
    assert.is(p.ours.stdout, '', `nothing printed before the check (${verb.join(' ')})`);
    assert.is(p.ours.code, 1);
    assert.match(p.ours.stderr, new RegExp(`^error: server version \\(${server.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\) differs from client version \\(version\\.Info\\{Major:"0", Minor:"1", .*GitVersion:"v0\\.1\\.0"`));
  }
  await same(['version', '--client', '--match-server-version'], { prep: clientVersionsAlike });
});

test.run();
