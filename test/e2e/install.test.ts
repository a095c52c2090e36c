// `make install` puts the single binary on PATH, where kubectl's plugin
// mechanism finds it: `kubectl plugin list` lists it with no warning, and
// `kubectl sock …` runs it with no Node and no node_modules around.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { KUBECTL, ROOT, run } from '../helpers/processes.ts';

const prefix = tempDir('ksock-install-');
// A PATH with kubectl and the plugin only: no node anywhere on it.
const tools = join(prefix, 'tools');
mkdirSync(tools);
symlinkSync(KUBECTL.includes('/') ? KUBECTL : '/usr/bin/kubectl', join(tools, 'kubectl'));
for (const t of ['sh', 'env']) symlinkSync(`/bin/${t}`, join(tools, t));
const pathWithPlugin = `${prefix}:${tools}`;

test.before(async () => {
  const r = await run('make', ['--no-print-directory', '-s', 'install', `PREFIX=${prefix}`], { cwd: ROOT, timeoutMs: 300_000, env: { HOME: process.env['HOME'] } });
  assert.is(r.code, 0, r.stdout + r.stderr);
});

test('make install :: an executable kubectl-sock in PREFIX', () => {
  const st = statSync(join(prefix, 'kubectl-sock'));
  assert.ok(st.isFile());
  assert.is(st.mode & 0o777, 0o755);
});

test('kubectl plugin list :: lists kubectl-sock with no warning', async () => {
  const r = await run(join(tools, 'kubectl'), ['plugin', 'list'], { env: { PATH: pathWithPlugin } });
  assert.is(r.stdout, `The following compatible plugins are available:\n\n${join(prefix, 'kubectl-sock')}\n`);
  assert.is(r.stderr, '');
  assert.is(r.code, 0);
});

test('kubectl sock :: kubectl runs the plugin, with an environment that has no node', async () => {
  const r = await run(join(tools, 'kubectl'), ['sock', 'version', '--client'], { env: { PATH: pathWithPlugin } });
  // The kustomize that `kubectl sock kustomize` runs: the real kubectl's, as it reports it.
  const kustomize = (await run(KUBECTL, ['version', '--client'])).stdout.split('\n')[1];
  assert.match(kustomize ?? '', /^Kustomize Version: v\d+\.\d+\.\d+/);
  assert.is(r.stdout, `Client Version: v0.1.0\n${kustomize}\n`);
  assert.is(r.code, 0);
  const node = await run(join(tools, 'sh'), ['-c', 'command -v node || echo none'], { env: { PATH: pathWithPlugin } });
  assert.is(node.stdout.trim(), 'none', 'no node on this PATH');
});

test("kubectl sock --help :: kubectl's root help, then what kubectl-sock adds; help sock lists the native commands", async () => {
  // kubectl's help lists the plugins on PATH too ("sock  The command sock is a plugin installed by the user").
  const own = (await run(KUBECTL, ['--help'], { env: { PATH: pathWithPlugin } })).stdout;
  for (const args of [['sock', '--help'], ['sock', 'help'], ['sock']]) {
    const r = await run(join(tools, 'kubectl'), args, { env: { PATH: pathWithPlugin } });
    assert.is(r.code, 0, r.stderr);
    assert.ok(r.stdout.startsWith(own), args.join(' '));
    assert.match(r.stdout.slice(own.length), /^\nkubectl sock: every command above reaches the server through kubectl-sock/);
    assert.match(r.stdout, /unix:\/\/\/path\/to\/kube\.sock/);
    assert.match(r.stdout, /Use "kubectl sock help sock" for kubectl-sock's own help\.\n$/);
  }
  const r = await run(join(tools, 'kubectl'), ['sock', 'help', 'sock'], { env: { PATH: pathWithPlugin } });
  assert.match(r.stdout, /^Native Commands:\n/m);
  assert.match(r.stdout, /^ {2}version +Print the client and server version information$/m);
  assert.is(r.code, 0);
});

test("kubectl sock help :: kubectl's translations (LANG), as kubectl's own test/cmd help.sh checks them", async () => {
  for (const [lang, text] of [['de_DE.UTF8', 'Verändere kubeconfig Dateien'], ['ja_JP.UTF8', 'kubeconfigを変更する'], ['en_US.UTF8', 'Modify kubeconfig files']] as const) {
    const r = await run(join(tools, 'kubectl'), ['sock', 'help'], { env: { PATH: pathWithPlugin, LANG: lang } });
    assert.ok(r.stdout.includes(text), `${lang}: ${text}`);
  }
});

test('kubectl __complete sock :: kubectl completes the plugin through the installed kubectl_complete-sock', async () => {
  const st = statSync(join(prefix, 'kubectl_complete-sock'));
  assert.is(st.mode & 0o777, 0o755);
  const r = await run(join(tools, 'kubectl'), ['__complete', 'sock', 'vers'], { env: { PATH: pathWithPlugin } });
  assert.is(r.stdout, 'version\tPrint the client and server version information\n:4\n');
  assert.is(r.code, 0);
});

test.run();
