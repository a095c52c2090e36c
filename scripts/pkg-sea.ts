// Runs @yao-pkg/pkg's SEA pipeline (lib-es5/sea.js, called with a seaConfig
// as shared/reference/single-binary.md explains) so that the blob it writes
// depends only on the bundle: the same bundle gives the same binary byte for
// byte, wherever it is built (make build and make release both use it).
//
// Two things made blobs differ:
// - The main script's path: Node stores the SEA config's `main` in the blob as
//   given, and pkg gives the bundle's absolute path (the build folder, which
//   also showed in stack traces). The generator is run from the bundle's folder
//   with `main` set to its bare name instead.
// - The V8 code cache: V8 seeds its string hashes at random, and the cache it
//   serializes varied with the seed (~170 KB of differences, on Node 24 as on
//   26). `--predictable` fixes the seed and, unlike `--hash-seed`, is left out
//   of the flag hash V8 checks when it loads a cache, so the binary, run
//   without it, still accepts the cache (vm.Script's cachedDataRejected is
//   false, and a start takes ~38 ms of CPU with the cache against ~55 without).
// pkg takes no V8 flags or working folder for its generator, and NODE_OPTIONS
// refuses --predictable, so pkg's `node --experimental-sea-config` execFile
// call is given both here. pkg internals: re-check on every pkg upgrade.
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { basename, dirname } from 'node:path';

interface SeaTarget { nodeRange: string; platform: string; arch: string; output: string }
export interface PkgSeaOptions {
  targets: SeaTarget[];
  seaConfig: Record<string, unknown>;
  /** The runtime to inject into (and to write the blob with); else pkg's download cache under $HOME. */
  nodePath?: string;
}
type Sea = (entry: string, opts: PkgSeaOptions) => Promise<void>;
type ExecFile = (file: string, args?: readonly string[], ...rest: unknown[]) => unknown;

const require = createRequire(import.meta.url);
/** The folder the generator runs in while a pkgSea call is under way. */
let generatorCwd: string | undefined;

export async function pkgSea(bundle: string, opts: PkgSeaOptions): Promise<void> {
  const childProcess = require('node:child_process') as { execFile: ExecFile & { reproducible?: true } };
  // Installed once, before sea.js loads: it captures util.promisify(execFile) when it does.
  if (!childProcess.execFile.reproducible) childProcess.execFile = reproducibleGenerator(childProcess.execFile);
  const sea = (require('@yao-pkg/pkg/lib-es5/sea.js') as { default: Sea }).default;
  generatorCwd = dirname(bundle);
  try {
    await sea(bundle, { ...opts, seaConfig: { ...opts.seaConfig, main: basename(bundle) } });
  } finally {
    generatorCwd = undefined;
  }
}

/** execFile, with `node --experimental-sea-config` runs given --predictable and generatorCwd. */
function reproducibleGenerator(original: ExecFile): ExecFile & { reproducible: true } {
  const wrapped = ((file, args, ...rest) => {
    if (!generatorCwd || !Array.isArray(args) || args[0] !== '--experimental-sea-config') return original(file, args, ...rest);
    const options = typeof rest[0] === 'object' && rest[0] !== null ? { ...(rest[0] as object), cwd: generatorCwd } : { cwd: generatorCwd };
    return original(file, ['--predictable', ...args], options, rest.find((r) => typeof r === 'function'));
  }) as ExecFile & { reproducible: true; [promisify.custom]?: unknown };
  wrapped.reproducible = true;
  // util.promisify(execFile) resolves to { stdout, stderr }: keep that shape.
  wrapped[promisify.custom] = (file: string, args?: readonly string[], options?: object) =>
    new Promise((resolve, reject) => {
      wrapped(file, args, options ?? {}, (error: (Error & { stdout?: string; stderr?: string }) | null, stdout: string, stderr: string) =>
        error ? reject(Object.assign(error, { stdout, stderr })) : resolve({ stdout, stderr }));
    });
  return wrapped;
}
