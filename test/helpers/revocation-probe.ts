// Times a revocation from the outside, in a process of its own that does
// nothing else: a busy load generator would see a close late, and would write
// its own request late. It holds a watch on each socket, prints "held", and on
// "go" (a line on stdin) revokes and prints how long until the last watch closed:
//   node test/helpers/revocation-probe.ts (--control SOCKET --target USER|PATH | --kill PID) SOCKET...
//   → held
//   ← go
//   → {"cutMs": 12.3}
// --control sends what `kubectl sock revoke` sends; --kill sends SIGTERM (ending a kubectl proxy).
import { request } from 'node:http';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { hold } from './held-connections.ts';

const { values, positionals } = parseArgs({ options: { control: { type: 'string' }, target: { type: 'string' }, kill: { type: 'string' } }, allowPositionals: true });

function revoke(): Promise<void> {
  if (values.kill) {
    process.kill(Number(values.kill), 'SIGTERM');
    return Promise.resolve();
  }
  return new Promise((ok, fail) => {
    request({ socketPath: values.control, method: 'DELETE', path: `/v1/grants?target=${encodeURIComponent(values.target ?? '')}`, headers: { host: 'localhost' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? ok() : fail(new Error(`revoke answered ${res.statusCode}`))));
    }).on('error', fail).end();
  });
}

const held = await Promise.all(positionals.map((s) => hold(s, 'watch')));
process.stdout.write('held\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line !== 'go') continue;
  const t0 = performance.now();
  await revoke();
  const last = Math.max(...(await Promise.all(held.map((h) => h.closed))));
  process.stdout.write(`${JSON.stringify({ cutMs: last - t0 })}\n`);
  break;
}
process.exit(0);
