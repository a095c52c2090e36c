// Bundles plugin/main.ts into one CommonJS file (pkg's SEA main can only
// require builtins, and CJS rejects top-level await: main.ts has none).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const git = (args) => {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
};
const commit = git(['rev-parse', 'HEAD']) || 'unknown';
const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
// A reproducible date: the commit's, not the clock's.
const date = git(['log', '-1', '--format=%cI']) || '1970-01-01T00:00:00Z';

await build({
  entryPoints: ['plugin/main.ts'],
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  outfile: 'dist/kubectl-sock.cjs',
  legalComments: 'none',
  minifySyntax: true,
  logLevel: 'warning',
  define: {
    __KUBECTL_SOCK_VERSION__: JSON.stringify(`v${pkg.version}`),
    __KUBECTL_SOCK_COMMIT__: JSON.stringify(dirty ? `${commit}-dirty` : commit),
    __KUBECTL_SOCK_BUILD_DATE__: JSON.stringify(new Date(date).toISOString().replace(/\.\d+Z$/, 'Z')),
  },
});
