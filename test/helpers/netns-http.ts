// An HTTP server on an address of its own, for the API server to proxy to as a
// pod, a service endpoint or a node: the API server refuses loopback and
// link-local targets, so the server lives in a network namespace this helper
// creates, joined to the host by a veth pair on a private /30 that nothing on
// the machine uses. It records every request it gets. The namespace (and with
// it the veth pair) is always deleted: on close, and synchronously if the
// process ends early.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';

/** One request the server got: the request line's method and target, as sent. */
export interface SeenRequest {
  method: string;
  url: string;
}

export interface NetnsHttp {
  /** The server's address inside the namespace: the only address the test may use. */
  ip: string;
  port: number;
  /** Every request received so far. */
  requests(): SeenRequest[];
  close(): void;
}

const live = new Set<string>();
let guarded = false;

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function deleteNetns(name: string): void {
  if (!live.has(name)) return;
  live.delete(name);
  // Deleting the namespace destroys its end of the veth pair, and with it the host's end.
  spawnSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
}

function installGuards(): void {
  if (guarded) return;
  guarded = true;
  const all = () => {
    for (const name of [...live]) deleteNetns(name);
  };
  process.on('exit', all);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.once(signal, () => {
      all();
      process.exit(code);
    });
  }
}

/** A 10.255.X.0/30 that no address or route on the machine overlaps. */
function freeSubnet(): number {
  const used = execFileSync('ip', ['-4', '-o', 'addr'], { encoding: 'utf8' }) + execFileSync('ip', ['-4', 'route'], { encoding: 'utf8' });
  for (let i = 0; i < 200; i++) {
    const x = ((process.pid + i) % 200) + 20;
    if (!used.includes(`10.255.${x}.`)) return x;
  }
  throw new Error('no free 10.255.X.0/30 subnet for the test namespace');
}

/** The recorder run inside the namespace: it prints one JSON line per request. */
const SERVER = `
const http = require('node:http');
const [host, port] = process.argv.slice(1);
http.createServer((req, res) => {
  process.stdout.write(JSON.stringify({ method: req.method, url: req.url }) + '\\n');
  res.setHeader('Content-Type', 'text/plain');
  res.end('reached the pod: ' + req.method + ' ' + req.url + '\\n');
}).listen(Number(port), host, () => process.stdout.write('listening\\n'));
`;

/** Creates the namespace and veth pair and starts the recorder; needs root (CAP_NET_ADMIN). */
export async function startNetnsHttp(port = 8099): Promise<NetnsHttp> {
  installGuards();
  const x = freeSubnet();
  const tag = `${process.pid % 100000}`;
  const name = `ksock-${tag}`;
  const hostIf = `ksh${tag}`;
  const nsIf = `ksn${tag}`;
  const hostIp = `10.255.${x}.1`;
  const podIp = `10.255.${x}.2`;
  live.add(name);
  let child: ChildProcess | undefined;
  try {
    ip(['netns', 'add', name]);
    ip(['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf, 'netns', name]);
    ip(['addr', 'add', `${hostIp}/30`, 'dev', hostIf]);
    ip(['link', 'set', hostIf, 'up']);
    ip(['-n', name, 'addr', 'add', `${podIp}/30`, 'dev', nsIf]);
    ip(['-n', name, 'link', 'set', nsIf, 'up']);
    ip(['-n', name, 'link', 'set', 'lo', 'up']);
    child = spawn('ip', ['netns', 'exec', name, process.execPath, '-e', SERVER, podIp, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const seen: SeenRequest[] = [];
    let out = '';
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error('the recorder in the namespace did not start')), 15_000);
      child?.stdout?.on('data', (c: Buffer) => {
        out += c;
        let nl = out.indexOf('\n');
        while (nl >= 0) {
          const line = out.slice(0, nl);
          out = out.slice(nl + 1);
          if (line === 'listening') {
            clearTimeout(timer);
            ready();
          } else if (line !== '') seen.push(JSON.parse(line) as SeenRequest);
          nl = out.indexOf('\n');
        }
      });
      child?.once('close', (code) => fail(new Error(`the recorder in the namespace exited (${code})`)));
    });
    const running = child;
    return {
      ip: podIp,
      port,
      requests: () => [...seen],
      close() {
        running.kill('SIGKILL');
        deleteNetns(name);
      },
    };
  } catch (err) {
    child?.kill('SIGKILL');
    deleteNetns(name);
    throw err;
  }
}
