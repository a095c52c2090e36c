// Two forward proxies for the proxy-url tests, each recording what passes
// through it: an HTTP proxy (CONNECT tunnels, and absolute-form requests for
// http:// servers) and a SOCKS5 proxy (RFC 1928, with RFC 1929 username and
// password when asked). Both listen on 127.0.0.1 on a free port.
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { request } from 'node:http';

/** One thing a proxy did: a tunnel opened to host:port, or a request forwarded. */
export interface ProxyRecord {
  kind: 'CONNECT' | 'forward' | 'SOCKS5';
  /** host:port the client asked for. */
  target: string;
  /** Proxy-Authorization, or the SOCKS5 user:password; '' when none came. */
  auth: string;
  /** A forwarded request's request line. */
  requestLine?: string;
}

export interface TestProxy {
  /** http://127.0.0.1:PORT or socks5://127.0.0.1:PORT */
  url: string;
  records: ProxyRecord[];
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function closer(server: Server, sockets: Set<Socket>): () => Promise<void> {
  return () => new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
}

function track(server: Server, sockets: Set<Socket>): void {
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
}

/** Joins two sockets both ways. */
function pipeBoth(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.on('close', () => b.destroy());
  b.on('close', () => a.destroy());
}

/** An HTTP proxy: CONNECT opens a tunnel; a request in absolute form is forwarded. */
export async function startConnectProxy(): Promise<TestProxy> {
  const records: ProxyRecord[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const lines = head.subarray(0, end).toString('latin1').split('\r\n');
      const [method = '', target = ''] = (lines[0] ?? '').split(' ');
      const auth = lines.find((l) => /^proxy-authorization:/i.test(l))?.replace(/^[^:]*:\s*/, '') ?? '';
      const rest = head.subarray(end + 4);
      if (method === 'CONNECT') {
        records.push({ kind: 'CONNECT', target, auth });
        const [host = '', port = ''] = splitHostPort(target);
        const upstream = connect(Number(port), host, () => {
          client.write('HTTP/1.1 200 Connection established\r\n\r\n');
          if (rest.length > 0) upstream.write(rest);
          pipeBoth(client, upstream);
        });
        upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
        return;
      }
      forward(client, lines, rest, auth, records);
    };
    client.on('data', onData);
  });
  track(server, sockets);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, records, close: closer(server, sockets) };
}

/** One absolute-form request, relayed with its Host header as it came (the connection closes after it). */
function forward(client: Socket, lines: string[], body: Buffer, auth: string, records: ProxyRecord[]): void {
  const requestLine = lines[0] ?? '';
  const [method = 'GET', absolute = ''] = requestLine.split(' ');
  const url = new URL(absolute);
  records.push({ kind: 'forward', target: url.host, auth, requestLine });
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    const name = l.slice(0, i).toLowerCase();
    if (name !== 'proxy-authorization' && name !== 'connection') headers[name] = l.slice(i + 1).trim();
  }
  const up = request({ host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers }, (res) => {
    client.write(`HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`);
    for (let i = 0; i < res.rawHeaders.length; i += 2) {
      if (!/^(connection|transfer-encoding|keep-alive)$/i.test(res.rawHeaders[i] as string)) client.write(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`);
    }
    client.write('Connection: close\r\n\r\n');
    res.pipe(client);
  });
  up.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
  up.end(body);
}

function splitHostPort(hostPort: string): [string, string] {
  const m = /^\[?([^\]]*)\]?:(\d+)$/.exec(hostPort);
  return m ? [m[1] as string, m[2] as string] : [hostPort, '80'];
}

/** A SOCKS5 proxy; with `user`, it insists on username/password authentication. */
export async function startSocks5Proxy(user?: { name: string; password: string }): Promise<TestProxy> {
  const records: ProxyRecord[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    void socksSession(client, records, user).catch(() => client.destroy());
  });
  track(server, sockets);
  const port = await listen(server);
  return { url: `socks5://127.0.0.1:${port}`, records, close: closer(server, sockets) };
}

async function socksSession(client: Socket, records: ProxyRecord[], user?: { name: string; password: string }): Promise<void> {
  const read = reader(client);
  const [ver = 0, n = 0] = await read(2);
  const methods = [...(await read(n))];
  if (ver !== 5) throw new Error('not SOCKS5');
  let auth = '';
  if (user) {
    if (!methods.includes(2)) return void client.end(Buffer.from([5, 0xff]));
    client.write(Buffer.from([5, 2]));
    const [, ulen = 0] = await read(2);
    const name = (await read(ulen)).toString();
    const [plen = 0] = await read(1);
    const password = (await read(plen)).toString();
    auth = `${name}:${password}`;
    const ok = name === user.name && password === user.password;
    client.write(Buffer.from([1, ok ? 0 : 1]));
    if (!ok) return void client.end();
  } else {
    client.write(Buffer.from([5, 0]));
  }
  const [, cmd, , atyp] = await read(4);
  let host: string;
  if (atyp === 1) host = [...(await read(4))].join('.');
  else if (atyp === 3) host = (await read((await read(1))[0] as number)).toString();
  else host = ((await read(16)).toString('hex').match(/.{4}/g) as string[]).join(':');
  const portBytes = await read(2);
  const port = ((portBytes[0] as number) << 8) | (portBytes[1] as number);
  records.push({ kind: 'SOCKS5', target: `${atyp === 4 ? `[${host}]` : host}:${port}`, auth });
  if (cmd !== 1) return void client.end(Buffer.from([5, 7, 0, 1, 0, 0, 0, 0, 0, 0]));
  const upstream = connect(port, host, () => {
    client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
    const left = read.rest();
    if (left.length > 0) upstream.write(left);
    pipeBoth(client, upstream);
  });
  upstream.on('error', () => client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0])));
}

/** Reads exact byte counts off a socket (what arrives beyond them is kept for rest()). */
function reader(s: Socket): ((n: number) => Promise<Buffer>) & { rest(): Buffer } {
  let buf = Buffer.alloc(0);
  let wanted: { n: number; resolve: (b: Buffer) => void } | undefined;
  const pump = () => {
    if (wanted && buf.length >= wanted.n) {
      const w = wanted;
      wanted = undefined;
      const out = buf.subarray(0, w.n);
      buf = buf.subarray(w.n);
      w.resolve(out);
    }
  };
  const onData = (c: Buffer) => {
    buf = Buffer.concat([buf, c]);
    pump();
  };
  s.on('data', onData);
  const read = (n: number) => new Promise<Buffer>((resolve) => {
    wanted = { n, resolve };
    pump();
  });
  return Object.assign(read, {
    rest() {
      s.off('data', onData);
      const left = buf;
      buf = Buffer.alloc(0);
      return left;
    },
  });
}
