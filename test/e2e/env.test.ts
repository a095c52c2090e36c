// `kubectl sock env`: a program run with KUBECONFIG naming the shared relay's
// kubeconfig (nothing else in its environment changed, its exit status
// returned, the context's namespace or -n, none of the context's credentials),
// and the lines bash, zsh and fish evaluate, then undo with --unset.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDebianPackages, hasCommand } from '../helpers/apt.ts';
import { makePki } from '../helpers/certs.ts';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.ts';
import { kc, tempDir } from '../helpers/kubeconfig-builder.ts';
import { BINARY, KUBECTL, cleanEnv, run, sock } from '../helpers/processes.ts';
import { relayProcesses, stopAllRelays } from '../helpers/relays.ts';

const TOKEN = 'context-own-token-3f9d';
let dir: string;
let api: FakeApiServer;
let kubeconfig: string;
let tlsKubeconfig: string;

test.before(async () => {
  dir = tempDir('ksock-env-');
  const pki = await makePki(join(dir, 'pki'));
  api = await startFakeApiServer({ unixSocket: join(dir, 'api.sock'), tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert }, token: TOKEN });
  api.addObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'team', creationTimestamp: '2024-01-01T00:00:00Z' }, spec: { containers: [{ name: 'a', image: 'a' }] } });
  kubeconfig = kc().cluster('fake', { server: api.unixUrl as string }).user('me', {})
    .context('fake', { cluster: 'fake', user: 'me', namespace: 'team' }).current('fake').write(join(dir, 'kubeconfig'));
  tlsKubeconfig = kc().cluster('tls', { server: api.httpsUrl as string, 'certificate-authority': pki.ca.certPath }).user('admin', { token: TOKEN })
    .context('tls', { cluster: 'tls', user: 'admin' }).current('tls').write(join(dir, 'tls.kubeconfig'));
  const missing = ensureDebianPackages(['zsh', 'fish'], () => hasCommand('zsh') && hasCommand('fish'));
  if (missing) throw new Error(missing);
});

test.after(async () => {
  await stopAllRelays();
  await api?.close();
});

const parseEnv = (text: string) => new Map(text.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

test('env -- COMMAND :: the same environment but KUBECONFIG, which names the relay; its exit status comes back', async () => {
  const extra = { KUBECONFIG: kubeconfig, SOME_VAR: 'kept as is', KUBECTL_SOCK_KUBECTL: KUBECTL };
  const r = await sock(['env', '--', 'env'], { env: extra });
  assert.is(r.code, 0, r.stderr);
  const seen = parseEnv(r.stdout);
  const want = new Map(Object.entries(cleanEnv(extra)));
  const relayConfig = seen.get('KUBECONFIG') as string;
  assert.match(relayConfig, /\/kubectl-sock\/[0-9a-f]{16}\/kubeconfig-[0-9a-f]+$/);
  seen.delete('KUBECONFIG');
  want.delete('KUBECONFIG');
  assert.equal(Object.fromEntries(seen), Object.fromEntries(want), 'nothing else changed');
  assert.is((await sock(['env', '--kubeconfig', kubeconfig, '--', 'sh', '-c', 'exit 7'])).code, 7);
  const killed = await sock(['env', '--kubeconfig', kubeconfig, '--', 'sh', '-c', 'kill -TERM $$']);
  assert.is(killed.code ?? 128 + 15, 143, 'a signal death, as a shell reports it');
  // Real kubectl through it: the context's namespace.
  const pods = await sock(['env', '--kubeconfig', kubeconfig, '--', KUBECTL, 'get', 'pods', '-o', 'name']);
  assert.equal([pods.code, pods.stdout, pods.stderr], [0, 'pod/web\n', '']);
});

function relayKubeconfig(text: string) {
  return JSON.parse(text) as { clusters: Array<{ cluster: Record<string, string> }>; users: Array<{ user: Record<string, string> }>; contexts: Array<{ context: Record<string, string> }> };
}

test('env -- COMMAND :: the namespace is the context\'s or -n\'s; the kubeconfig holds none of the context\'s credentials', async () => {
  const show = ['--', 'sh', '-c', 'cat "$KUBECONFIG"'];
  const own = relayKubeconfig((await sock(['env', '--kubeconfig', kubeconfig, ...show])).stdout);
  assert.is(own.contexts[0]?.context['namespace'], 'team');
  const other = relayKubeconfig((await sock(['env', '--kubeconfig', kubeconfig, '-n', 'other', ...show])).stdout);
  assert.is(other.contexts[0]?.context['namespace'], 'other');
  const r = await sock(['env', '--kubeconfig', tlsKubeconfig, ...show]);
  assert.is(r.code, 0, r.stderr);
  assert.not.ok(r.stdout.includes(TOKEN), 'not the context\'s token');
  const tls = relayKubeconfig(r.stdout);
  assert.equal(Object.keys(tls.users[0]?.user ?? {}), ['token']);
  assert.match(tls.clusters[0]?.cluster['server'] ?? '', /^https:\/\/127\.0\.0\.1:\d+$/);
  const pods = await sock(['env', '--kubeconfig', tlsKubeconfig, '--', KUBECTL, 'get', 'pods', '-A', '-o', 'name']);
  assert.equal([pods.code, pods.stdout], [0, 'pod/web\n'], pods.stderr);
});

test('env -- COMMAND :: a program that cannot run is 127 or 126, as env(1) answers; a program needs --', async () => {
  const missing = await sock(['env', '--kubeconfig', kubeconfig, '--', 'nosuch-program']);
  assert.equal([missing.code, missing.stderr], [127, 'error: exec: "nosuch-program": executable file not found in $PATH\n']);
  const notExec = await sock(['env', '--kubeconfig', kubeconfig, '--', join(dir, 'kubeconfig')]);
  assert.equal([notExec.code, notExec.stderr], [126, `error: exec: "${join(dir, 'kubeconfig')}": permission denied\n`]);
  const noDash = await sock(['env', '--kubeconfig', kubeconfig, 'helm', 'list']);
  assert.equal([noDash.code, noDash.stderr], [1, "error: a program to run goes after --: kubectl sock env -- helm list\nSee 'kubectl sock env -h' for help and examples\n"]);
});

test('env :: bash, zsh and fish lines, with what they do in comments', async () => {
  const r = await sock(['env', '--kubeconfig', kubeconfig, '--shell', 'bash'], { env: { KUBECONFIG: "/it's/mine" } });
  assert.is(r.code, 0, r.stderr);
  const [line1, line2, about, hint1, hint2] = r.stdout.split('\n');
  assert.match(line1 as string, /^export KUBECONFIG='\/\S+\/kubectl-sock\/[0-9a-f]{16}\/kubeconfig-[0-9a-f]+';$/);
  assert.is(line2, "export KUBECTL_SOCK_SAVED_KUBECONFIG='/it'\\''s/mine';");
  assert.match(about as string, /^# kubectl and other tools reach unix:\/\/\S+api\.sock through the relay at 127\.0\.0\.1:\d+ \(context "fake", namespace "team"\) until: kubectl sock relay stop [0-9a-f]{16}$/);
  assert.is(hint1, '# Run this command to configure your shell:');
  assert.is(hint2, `# eval "$(kubectl sock env --kubeconfig=${kubeconfig} --shell=bash)"`);
  const fish = await sock(['env', '--kubeconfig', kubeconfig, '--shell', 'fish'], { env: { KUBECONFIG: "/it's/mine" } });
  assert.match(fish.stdout, /^set -gx KUBECONFIG '\/\S+';\nset -gx KUBECTL_SOCK_SAVED_KUBECONFIG '\/it\\'s\/mine';\n/);
  assert.match(fish.stdout, /\n# kubectl sock env --kubeconfig=\S+ --shell=fish \| source\n$/);
  assert.is((await sock(['env', '--unset', '--shell', 'bash'])).stdout, 'unset KUBECONFIG;\n');
  assert.is((await sock(['env', '--unset', '--shell', 'fish'], { env: { KUBECTL_SOCK_SAVED_KUBECONFIG: '/a' } })).stdout, "set -gx KUBECONFIG '/a';\nset -e KUBECTL_SOCK_SAVED_KUBECONFIG;\n");
  const bad = await sock(['env', '--shell', 'tcsh']);
  assert.equal([bad.code, bad.stderr], [1, "error: unsupported shell \"tcsh\": want one of bash, zsh, fish\nSee 'kubectl sock env -h' for help and examples\n"]);
});

/** Runs a script in a shell whose PATH finds the oracle kubectl as `kubectl`, and kubectl-sock. */
function inShell(shell: string, script: string, env: Record<string, string> = {}) {
  const bin = tempDir('ksock-env-bin-');
  return run('sh', ['-c', `ln -s ${KUBECTL} ${bin}/kubectl && ln -s ${BINARY} ${bin}/kubectl-sock && exec ${shell} -c "$0"`, script], {
    env: { PATH: `${bin}:${process.env['PATH'] ?? ''}`, ...env },
  });
}

test('eval :: plain kubectl in bash, zsh and fish reaches the socket; --unset restores KUBECONFIG; env again keeps the relay', async () => {
  for (const shell of ['bash', 'zsh']) {
    await stopAllRelays();
    const r = await inShell(shell, [
      `export KUBECONFIG=${kubeconfig}`,
      'eval "$(kubectl-sock env)"',
      'kubectl get pods -o name',
      'first=$KUBECONFIG',
      'eval "$(kubectl-sock env)"',
      'test "$first" = "$KUBECONFIG" && echo same-kubeconfig',
      'kubectl sock describe pod web | head -1',
      'eval "$(kubectl-sock env --unset)"',
      'echo "$KUBECONFIG"',
      'echo "${KUBECTL_SOCK_SAVED_KUBECONFIG-unset}"',
    ].join('\n'), { SHELL: `/bin/${shell}`, KUBECTL_SOCK_KUBECTL: KUBECTL });
    assert.is(r.stdout, `pod/web\nsame-kubeconfig\nName:         web\n${kubeconfig}\nunset\n`, `${shell}: ${r.stderr}`);
    assert.is(relayProcesses().length, 1, `${shell}: one relay, used again from inside the env shell`);
  }
  const fish = await inShell('fish', [`set -gx KUBECONFIG ${kubeconfig}`, 'kubectl-sock env | source', 'kubectl get pods -o name', 'kubectl-sock env --unset | source', 'echo $KUBECONFIG'].join('\n'), { SHELL: '/usr/bin/fish' });
  assert.is(fish.stdout, `pod/web\n${kubeconfig}\n`, fish.stderr);
});

test.run();
