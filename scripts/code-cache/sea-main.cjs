// The single binary's entry point (its SEA main script). It runs the bundle,
// kept as an asset, with a V8 code cache made at build time by running
// kubectl-sock's everyday commands (scripts/code-cache/train.ts). Node's own
// SEA code cache (useCodeCache) compiles the script without running it, so it
// holds only what V8 compiles eagerly: every function a short `get` calls was
// then parsed and compiled again on each run. A cross-built binary's cache is
// empty (scripts/code-cache/sea-app.ts) and its bundle is compiled as Node
// compiles a main script; a cache V8 rejects (another V8 or other flags) costs
// that time again, nothing else.
'use strict';
const sea = require('node:sea');
const { Script } = require('node:vm');

const filename = 'kubectl-sock.js';
const cache = sea.getRawAsset('code-cache');
const script = new Script(sea.getAsset(filename, 'latin1'), {
  filename,
  cachedData: cache.byteLength > 0 ? new Uint8Array(cache) : undefined,
});
if (script.cachedDataRejected && process.env.KUBECTL_SOCK_DEBUG) process.stderr.write('kubectl-sock: the code cache was rejected\n');
script.runInThisContext()(exports, require, module, __filename, __dirname);
