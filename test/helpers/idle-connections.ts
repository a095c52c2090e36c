// Connections a stranger opens and never speaks on, as a real second uid
// (nobody): the attack on a server's file descriptors. The holder reports
// how many of its connections the server still keeps open once they settled,
// and holds them until stop().
import { spawn } from 'node:child_process';
import { cleanEnv } from './processes.ts';
import { NOBODY } from './serve.ts';

const HOLDER = `
const net = require('node:net');
const [where, n] = [process.argv[1], Number(process.argv[2])];
const to = /^\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+$/.test(where) ? { host: where.split(':')[0], port: Number(where.split(':')[1]) } : { path: where };
const open = new Set();
let settled = 0;
// Once every connection was accepted or refused, the count is read when it has not changed for a second
// (the server's closes reach this process a moment after it made them), or after 10 s.
const report = (last, steady, left) => {
  if (open.size === last && steady >= 4 || left === 0) return console.log('open ' + open.size);
  setTimeout(() => report(open.size, open.size === last ? steady + 1 : 0, left - 1), 250);
};
const done = () => { if (++settled === n) setTimeout(() => report(-1, 0, 40), 500); };
for (let i = 0; i < n; i++) {
  const s = net.connect(to);
  s.on('connect', () => { open.add(s); done(); });
  s.on('error', done);
  s.on('close', () => open.delete(s));
}
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`;

export interface IdleHolder {
  /** How many connections were still open once the count held still for a second after the last one was accepted or refused. */
  open: Promise<number>;
  /** Closes them all; resolves once the holder exited. */
  stop(): Promise<void>;
}

/** Opens `n` connections to a unix socket path or an IPv4 HOST:PORT as nobody, and never writes. */
export function holdIdleAsNobody(where: string, n: number): IdleHolder {
  const child = spawn('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, '-e', HOLDER, where, String(n)], {
    env: cleanEnv(), stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let out = '';
  const open = new Promise<number>((ok, fail) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c;
      const m = /open (\d+)/.exec(out);
      if (m) ok(Number(m[1]));
    });
    void exited.then(() => fail(new Error(`the holder exited: ${out}`)));
  });
  return {
    open,
    stop: () => {
      child.stdin.end();
      return exited;
    },
  };
}
