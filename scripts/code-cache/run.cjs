// One training run (scripts/code-cache/train.ts): compiles the wrapped bundle
// as the binary's entry point does (sea-main.cjs), with the cache so far,
// runs the command given in argv, and on exit (in train mode) writes V8's
// cache of everything compiled by then: what the earlier runs compiled and
// what this one added. Check mode only proves the cache is accepted: it runs
// without --predictable, so a cache it wrote would vary from build to build.
//   node run.cjs train|check WRAPPED_BUNDLE CACHE_FILE -- ARGS...
'use strict';
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { Script } = require('node:vm');

const [mode, bundle, cacheFile] = process.argv.splice(2, 4);
const script = new Script(readFileSync(bundle, 'latin1'), {
  filename: 'kubectl-sock.js',
  cachedData: existsSync(cacheFile) ? readFileSync(cacheFile) : undefined,
});
if (script.cachedDataRejected) throw new Error(`${cacheFile} was rejected: was it made by another Node, or with other V8 flags?`);
if (mode === 'train') process.on('exit', () => writeFileSync(cacheFile, script.createCachedData()));
script.runInThisContext()(exports, require, module, __filename, __dirname);
