// Runs the fake API server on its own:
//   node test/helpers/fake-apiserver-main.ts --unix-socket PATH [--tcp] [--tls-dir DIR --token T] [--seed demo]
// Prints one JSON line with the URLs once listening; SIGTERM/SIGINT close it cleanly.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makePki } from './certs.ts';
import { seedDemo } from './fake-apiserver/demo.ts';
import { startFakeApiServer } from './fake-apiserver.ts';
import type { FakeApiServerOptions } from './fake-apiserver/types.ts';

const USAGE = 'usage: fake-apiserver-main.ts [--unix-socket PATH] [--tcp] [--tls-dir DIR [--token T]] [--seed demo]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'unix-socket': { type: 'string' },
      tcp: { type: 'boolean', default: false },
      'tls-dir': { type: 'string' },
      token: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || (!values['unix-socket'] && !values.tcp && !values['tls-dir'])) {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  if (values.seed !== undefined && values.seed !== 'demo') throw new Error(`unknown seed ${values.seed}; only "demo" exists`);
  const opts: FakeApiServerOptions = { tcp: values.tcp };
  if (values['unix-socket']) opts.unixSocket = values['unix-socket'];
  const tlsDir = values['tls-dir'];
  if (tlsDir) {
    // Fresh certificates each run, so the CA file printed below always matches.
    const pki = await makePki(tlsDir);
    opts.tls = { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert };
    if (values.token) opts.token = values.token;
  }
  const server = await startFakeApiServer(opts);
  if (values.seed === 'demo') seedDemo(server);
  const ready = {
    unixUrl: server.unixUrl,
    httpUrl: server.httpUrl,
    httpsUrl: server.httpsUrl,
    ...(tlsDir ? { caFile: join(tlsDir, 'ca.crt'), clientCert: join(tlsDir, 'client.crt'), clientKey: join(tlsDir, 'client.key') } : {}),
    pid: process.pid,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    server.close().catch((err: unknown) => {
      process.stderr.write(`close failed: ${String(err)}\n`);
      process.exitCode = 1;
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`fake-apiserver: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
