// What every kubectl-sock binary's SEA blob holds, for every platform: the
// loader (sea-main.cjs) as its main script, and as assets the bundle wrapped
// as a CommonJS module and a V8 code cache for it. The host's binary carries
// the cache trained by scripts/code-cache/train.ts; a cross-built one carries
// an empty cache (a cache fits only the CPU and V8 flags of the Node that made
// it, and a foreign CPU cannot run the training), so its loader compiles the
// bundle as Node would compile a main script.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_FLAGS } from './node-flags.ts';

export const LOADER = join(import.meta.dirname, 'sea-main.cjs');
/** The asset names sea-main.cjs reads. */
const BUNDLE_ASSET = 'kubectl-sock.js';
const CACHE_ASSET = 'code-cache';

export interface SeaApp {
  /** The wrapped bundle the loader compiles (and the training compiles alike). */
  wrapped: string;
  cache: string;
}

/** Where an app's files are in `dir`. */
export function seaAppIn(dir: string): SeaApp {
  return { wrapped: join(dir, BUNDLE_ASSET), cache: join(dir, CACHE_ASSET) };
}

/** Writes the wrapped bundle in `dir` (its cache is the caller's). */
export function writeSeaApp(bundle: string, dir: string): SeaApp {
  const source = readFileSync(bundle, 'latin1');
  // The loader decodes the asset as latin1: a bundle that is not ASCII would change meaning.
  if (!/^[\x00-\x7f]*$/.test(source)) throw new Error(`${bundle} is not ASCII (esbuild's charset must stay ascii)`);
  // vm.Script offers no import() without an experimental, warning loader (build.mjs bundles builtins' instead).
  const dynamicImport = /(?<![\w$.])import\(/.exec(source);
  if (dynamicImport) throw new Error(`${bundle} calls import() (${source.slice(dynamicImport.index, dynamicImport.index + 40)}…), which the loader cannot serve: bundle it (scripts/build.mjs)`);
  mkdirSync(dir, { recursive: true });
  const app = seaAppIn(dir);
  writeFileSync(app.wrapped, `(function (exports, require, module, __filename, __dirname) {${source}\n})`);
  return app;
}

/** A cross-built binary's app: the wrapped bundle and an empty cache. */
export function writeUncachedSeaApp(bundle: string, dir: string): SeaApp {
  const app = writeSeaApp(bundle, dir);
  writeFileSync(app.cache, '');
  return app;
}

/**
 * The SEA config for an app. execArgvExtension 'none' keeps NODE_OPTIONS from
 * reaching the binary; execArgv are the binary's V8 flags, the ones the cache
 * was trained with (V8 checks them when it loads a cache).
 */
export function seaAppConfig(app: SeaApp, useCodeCache: boolean): Record<string, unknown> {
  return {
    useCodeCache,
    useSnapshot: false,
    execArgv: [...NODE_FLAGS],
    execArgvExtension: 'none',
    disableExperimentalSEAWarning: true,
    assets: { [BUNDLE_ASSET]: app.wrapped, [CACHE_ASSET]: app.cache },
  };
}
