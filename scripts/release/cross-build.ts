// Builds the non-host binaries with @yao-pkg/pkg's SEA pipeline, offline.
// pkg looks for other platforms' runtimes in its download cache,
// $HOME/.pkg-cache/sea (pkg internals: re-check on every pkg upgrade), so a
// private HOME under .build/ is seeded with the prepared bases, each with the
// sentinel files that mark a finished download and extraction. With no target
// matching the host, pkg writes the blob with the running Node when its
// version is the targets' exact version (node_modules/.bin/node, 26.10.0
// here) and with nothing else: a blob must be read by the Node that wrote it.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Platform } from './platforms.ts';
import { prepareBase } from './node-runtime.ts';
import { pkgSea } from '../pkg-sea.ts';
import { LOADER, seaAppConfig, writeUncachedSeaApp } from '../code-cache/sea-app.ts';

export interface CrossTarget {
  platform: Platform;
  /** The platform's stock node binary (fetchRuntime). */
  runtime: string;
  output: string;
}

/** `pkgHome` persists between runs: it keeps the prepared bases. */
export async function crossBuild(bundle: string, targets: readonly CrossTarget[], nodeVersion: string, pkgHome: string): Promise<void> {
  if (targets.length === 0) return;
  if (process.version !== `v${nodeVersion}`) {
    throw new Error(`cross builds must run on Node v${nodeVersion} (the runtimes' version), not ${process.version}: use node_modules/.bin/node`);
  }
  const seaCache = join(pkgHome, '.pkg-cache', 'sea');
  for (const t of targets) seedPkgCache(seaCache, t, nodeVersion);

  for (const t of targets) mkdirSync(dirname(t.output), { recursive: true });
  // pkg reads the cache from os.homedir(), which follows HOME.
  const savedHome = process.env['HOME'];
  process.env['HOME'] = pkgHome;
  const appDir = mkdtempSync(join(pkgHome, 'sea-app-'));
  try {
    await pkgSea(LOADER, {
      targets: targets.map((t) => ({ nodeRange: `node${nodeVersion}`, platform: t.platform.pkgPlatform, arch: t.platform.pkgArch, output: t.output })),
      // The host's loader and bundle with no V8 code cache: a cache fits only the CPU and flags of the Node that made it.
      seaConfig: seaAppConfig(writeUncachedSeaApp(bundle, appDir), false),
    });
  } finally {
    process.env['HOME'] = savedHome;
    rmSync(appDir, { recursive: true, force: true });
  }
}

/** pkg's layout: the archive (never read once marked .ok) and the extracted binary, each with a `.ok` sentinel. */
function seedPkgCache(seaCache: string, t: CrossTarget, nodeVersion: string): void {
  // pkg names its downloads with Node's spelling of the OS (macos → darwin).
  const os = t.platform.pkgPlatform === 'macos' ? 'darwin' : t.platform.pkgPlatform;
  const name = `node-v${nodeVersion}-${os}-${t.platform.pkgArch}`;
  const windows = t.platform.pkgPlatform === 'win';
  const archive = join(seaCache, `${name}.${windows ? 'zip' : 'tar.gz'}`);
  const binary = windows ? join(seaCache, `${name}.exe`) : join(seaCache, name, 'bin', 'node');
  if (existsSync(`${binary}.ok`) && existsSync(binary)) return;
  mkdirSync(seaCache, { recursive: true });
  prepareBase(t.platform, t.runtime, binary);
  writeFileSync(archive, '');
  writeFileSync(`${archive}.ok`, '');
  writeFileSync(`${binary}.ok`, '');
}
