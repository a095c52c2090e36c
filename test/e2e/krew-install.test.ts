// The release's krew manifest installs: krew (built from Go modules) installs
// the host archive from sock.yaml with no network, kubectl then runs the
// plugin from $KREW_ROOT/bin, and `krew list` shows it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { KUBECTL, ROOT, run, sock } from '../helpers/processes.ts';
import { ensureKrew, initEmptyIndex, krewRun, type KrewHome } from '../helpers/krew.ts';
import { release } from '../helpers/release.ts';

const version: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const dir = tempDir('ksock-krew-');
const out = join(dir, 'release');
const manifest = join(out, 'sock.yaml');
const archive = join(out, `kubectl-sock_${version}_linux_amd64.tar.gz`);
// kubectl finds plugins only when it is itself found on PATH as `kubectl`.
const tools = join(dir, 'tools');
mkdirSync(tools);
symlinkSync(KUBECTL.includes('/') ? KUBECTL : '/usr/bin/kubectl', join(tools, 'kubectl'));
const at: KrewHome = { root: join(dir, 'krew-root'), home: join(dir, 'home'), path: [tools, '/usr/bin', '/bin'] };
mkdirSync(at.home);
const krew = ensureKrew();
const pluginPath = [join(at.root, 'bin'), ...at.path].join(':');

test.before(async () => {
  const r = await release(out, ['linux/amd64']);
  assert.is(r.code, 0, r.stderr);
});

test('validate-krew-manifest :: krew\'s own validator accepts sock.yaml', async () => {
  // -skip-install: its install step downloads the uri; the tests below install from the archive instead.
  const r = await run(krew.validator, ['-manifest', manifest, '-skip-install']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /structural validation OK/);
  assert.match(r.stderr, /no overlapping spec.platform\[\].selector/);
});

test('krew install :: installs sock from the manifest and the host archive, offline', async () => {
  const r = await krewRun(krew, at, ['install', `--manifest=${manifest}`, `--archive=${archive}`]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /^Installed plugin: sock$/m);
  // krew prints the manifest's caveats after installing.
  assert.ok(r.stderr.includes("A socket's file permissions are its access control"), r.stderr);
  const installed = join(at.root, 'store', 'sock', `v${version}`);
  for (const f of ['kubectl-sock', 'kubectl_complete-sock', 'LICENSE']) realpathSync(join(installed, f));
  assert.is(realpathSync(join(at.root, 'bin', 'kubectl-sock')), join(installed, 'kubectl-sock'));
});

test('kubectl sock version --client :: kubectl runs the krew-installed binary, the one make build made', async () => {
  const which = await run('sh', ['-c', 'command -v kubectl-sock'], { env: { PATH: pluginPath } });
  assert.is(which.stdout.trim(), join(at.root, 'bin', 'kubectl-sock'));
  for (const args of [['version', '--client'], ['version', '--client', '-o', 'json']]) {
    const viaKrew = await run('kubectl', ['sock', ...args], { env: { PATH: pluginPath, HOME: at.home } });
    // Its kustomize line names the kubectl that found it: the same PATH.
    const direct = await sock(args, { env: { PATH: pluginPath } });
    assert.is(viaKrew.code, 0, viaKrew.stderr);
    assert.is(viaKrew.stdout, direct.stdout);
  }
  const json = JSON.parse((await sock(['version', '--client', '-o', 'json'])).stdout).clientVersion;
  assert.is(json.gitVersion, `v${version}`);
});

test('krew list :: shows sock (from a manifest, krew calls its index "detached")', async () => {
  initEmptyIndex(at);
  const r = await krewRun(krew, at, ['list']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'detached/sock\n');
});

test('caveats :: the completion line links kubectl_complete-sock, and kubectl completes through it', async () => {
  const caveats: string = parse(readFileSync(manifest, 'utf8')).spec.caveats;
  const line = /^\s*(ln -s .*)$/m.exec(caveats)?.[1];
  assert.ok(line, caveats);
  const ln = await run('sh', ['-c', line], { env: { KREW_ROOT: at.root, HOME: at.home } });
  assert.is(ln.code, 0, ln.stderr);
  const r = await run('kubectl', ['__complete', 'sock', 'vers'], { env: { PATH: pluginPath, HOME: at.home } });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'version\tPrint the client and server version information\n:4\n');
});

test.run();
