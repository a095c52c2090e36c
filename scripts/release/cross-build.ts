// Builds the non-host binaries with @yao-pkg/pkg's SEA pipeline, offline.
// pkg looks for other platforms' runtimes in its download cache,
// $HOME/.pkg-cache/sea (pkg internals: re-check on every pkg upgrade), so a
// private HOME under .build/ is seeded with the prepared bases, each with the
// sentinel files that mark a finished download and extraction. With no target
// matching the host, pkg writes the blob with the running Node when its
// version is the targets' exact version (node_modules/.bin/node, 24.21.0
// here) and with nothing else: a blob must be read by the Node that wrote it.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Platform } from './platforms.ts';
import { prepareBase } from './node-runtime.ts';
import { NODE_FLAGS } from '../code-cache/node-flags.ts';

export interface CrossTarget {
  platform: Platform;
  /** The platform's stock node binary (fetchRuntime). */
  runtime: string;
  output: string;
}

interface SeaTarget { nodeRange: string; platform: string; arch: string; output: string }
type Sea = (entry: string, opts: { targets: SeaTarget[]; seaConfig: Record<string, unknown> }) => Promise<void>;

/** `pkgHome` persists between runs: it keeps the prepared bases. */
export async function crossBuild(bundle: string, targets: readonly CrossTarget[], nodeVersion: string, pkgHome: string): Promise<void> {
  if (targets.length === 0) return;
  if (process.version !== `v${nodeVersion}`) {
    throw new Error(`cross builds must run on Node v${nodeVersion} (the runtimes' version), not ${process.version}: use node_modules/.bin/node`);
  }
  const seaCache = join(pkgHome, '.pkg-cache', 'sea');
  for (const t of targets) seedPkgCache(seaCache, t, nodeVersion);

  const require = createRequire(import.meta.url);
  const sea = (require('@yao-pkg/pkg/lib-es5/sea.js') as { default: Sea }).default;
  for (const t of targets) mkdirSync(dirname(t.output), { recursive: true });
  // pkg reads the cache from os.homedir(), which follows HOME.
  const savedHome = process.env['HOME'];
  process.env['HOME'] = pkgHome;
  try {
    await sea(bundle, {
      targets: targets.map((t) => ({ nodeRange: `node${nodeVersion}`, platform: t.platform.pkgPlatform, arch: t.platform.pkgArch, output: t.output })),
      // No V8 code cache: it is specific to the CPU and flags of the Node that made it.
      seaConfig: { useCodeCache: false, useSnapshot: false, execArgv: [...NODE_FLAGS], execArgvExtension: 'none', disableExperimentalSEAWarning: true },
    });
  } finally {
    process.env['HOME'] = savedHome;
  }
}

/** pkg's layout: the archive (never read once marked .ok) and the extracted binary, each with a `.ok` sentinel. */
function seedPkgCache(seaCache: string, t: CrossTarget, nodeVersion: string): void {
  const name = `node-v${nodeVersion}-${t.platform.pkgPlatform}-${t.platform.pkgArch}`;
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
