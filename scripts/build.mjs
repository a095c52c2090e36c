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

// Start-up: undici's client loads node:http2 (through its HTTP/2 client), node:http
// (for one default) and node:assert (for invariants) when it loads; together
// ~15-20 ms per run that kubectl-sock never needs: it never negotiates h2, it
// always passes maxHeaderSize, and a small shim keeps the invariant checks.
const rewrites = {
  'dispatcher/client.js': [
    ["const connectH2 = require('./client-h2.js')", "const connectH2 = (...a) => require('./client-h2.js')(...a)"],
    ["const http = require('node:http')", ''],
    ['const getDefaultNodeMaxHeaderSize = http &&', "const getDefaultNodeMaxHeaderSize = () => require('node:http').maxHeaderSize\nconst unusedDefault = false &&"],
  ],
  'core/util.js': [
    ["const { IncomingMessage } = require('node:http')", ''],
    // Only a stream whose class is named IncomingMessage can be one: test the name first.
    ['Object.getPrototypeOf(stream).constructor === IncomingMessage', "Object.getPrototypeOf(stream).constructor.name === 'IncomingMessage' && Object.getPrototypeOf(stream).constructor === require('node:http').IncomingMessage"],
  ],
};
const leanUndici = {
  name: 'lean-undici',
  setup(b) {
    b.onResolve({ filter: /^(node:)?assert$/ }, (args) =>
      /undici[\\/]lib[\\/]/.test(args.importer) ? { path: new URL('./shims/assert.cjs', import.meta.url).pathname } : undefined,
    );
    b.onLoad({ filter: /undici[\\/]lib[\\/](dispatcher[\\/]client|core[\\/]util)\.js$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      let source = await readFile(args.path, 'utf8');
      const key = args.path.replace(/\\/g, '/').split('/lib/')[1];
      for (const [from, to] of rewrites[key]) {
        if (!source.includes(from)) throw new Error(`lean-undici: ${args.path} changed (${from}); update scripts/build.mjs`);
        source = source.replace(from, to);
      }
      return { contents: source, loader: 'js' };
    });
  },
};

// The binary runs the bundle through vm.Script (scripts/code-cache/sea-main.cjs),
// which has no dynamic import() short of an experimental loader that warns on
// stderr. A lazy `await import('node:fs/promises')` is bundled as a require()
// of the builtin instead, which is what a lazy import of a builtin amounts to.
const builtinImports = {
  name: 'builtin-imports',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, namespace: 'builtin-import' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'builtin-import' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

await build({
  entryPoints: ['plugin/main.ts'],
  bundle: true,
  platform: 'node',
  target: 'node26',
  format: 'cjs',
  outfile: 'dist/kubectl-sock.cjs',
  legalComments: 'none',
  minifySyntax: true,
  // V8 parses each lazily compiled function from the source when it is first
  // called: without whitespace and comments (1.18 MB → 0.91 MB) a short `get`
  // starts 2–8 ms sooner. Identifiers are kept, so names in a
  // KUBECTL_SOCK_DEBUG stack trace stay readable.
  minifyWhitespace: true,
  logLevel: 'warning',
  plugins: [leanUndici, builtinImports],
  define: {
    __KUBECTL_SOCK_VERSION__: JSON.stringify(`v${pkg.version}`),
    __KUBECTL_SOCK_COMMIT__: JSON.stringify(dirty ? `${commit}-dirty` : commit),
    __KUBECTL_SOCK_BUILD_DATE__: JSON.stringify(new Date(date).toISOString().replace(/\.\d+Z$/, 'Z')),
  },
});
