// Upgrade requests through the relay (SPDY and WebSocket: exec, attach, port-forward):
// filters, credentials, the 101 answer, bytes relayed unchanged both ways, and closing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { TOKEN, defaultRules, openUpgrade, rawExchange, startHarness, startUpstream, type Harness, type UpstreamServer } from './relay-harness.ts';
import { compileFilter, DEFAULT_ACCEPT_HOSTS, DEFAULT_ACCEPT_PATHS, DEFAULT_REJECT_METHODS } from '../../../plugin/relay/filters.ts';
import { tempDir } from '../../helpers/kubeconfig-builder.ts';

const EXEC = '/api/v1/namespaces/default/pods/web/exec';
const PORTFORWARD = '/api/v1/namespaces/default/pods/web/portforward';
let up: UpstreamServer;
let open: Harness;
let strict: Harness;
const upstreamSockets: Duplex[] = [];

/** The API server's side of an exec: 101, then an echo of every byte. */
function echoUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
  upstreamSockets.push(socket);
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${req.headers.upgrade}\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n`);
  if (head.length > 0) socket.write(head);
  socket.pipe(socket);
}

function upgradeHead(method: string, path: string, protocol: string, extra = ''): string {
  return `${method} ${path}?command=sh&stdin=true HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: ${protocol}\r\nAuthorization: Bearer stolen\r\n${extra}\r\n`;
}

/** Writes `data` and reads until `expect` bytes (counting those already read) came back. */
function echo(socket: Duplex, data: Buffer, already: Buffer = Buffer.alloc(0), expect = data.length): Promise<Buffer> {
  return new Promise((ok) => {
    const chunks: Buffer[] = [already];
    let n = already.length;
    const onData = (c: Buffer) => {
      chunks.push(c);
      n += c.length;
      if (n >= expect) {
        socket.off('data', onData);
        ok(Buffer.concat(chunks));
      }
    };
    socket.on('data', onData);
    socket.resume();
    socket.write(data);
  });
}

test.before(async () => {
  up = await startUpstream(tempDir('ksock-upg-'));
  up.upgrades.set(EXEC, echoUpgrade);
  up.upgrades.set(PORTFORWARD, echoUpgrade);
  const allowExec = compileFilter({ acceptPaths: DEFAULT_ACCEPT_PATHS, rejectPaths: '', acceptHosts: DEFAULT_ACCEPT_HOSTS, rejectMethods: DEFAULT_REJECT_METHODS });
  open = await startHarness(up.port, up.pki.ca.certPath, { rules: { ...defaultRules(), filter: allowExec } });
  strict = await startHarness(up.port, up.pki.ca.certPath);
});

test.after(async () => {
  for (const h of [open, strict]) h?.abort.abort();
  await Promise.all([open?.relay.done, strict?.relay.done]);
  await up?.close();
});

test('upgrade :: SPDY exec (POST, Upgrade: SPDY/3.1) is relayed with the relay\'s token, bytes unchanged both ways', async () => {
  const before = up.seen.length;
  const { socket, answer, rest } = await openUpgrade(open.sock, upgradeHead('POST', EXEC, 'SPDY/3.1', 'X-Stream-Protocol-Version: v4.channel.k8s.io\r\n'));
  assert.match(answer, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
  assert.match(answer, /\r\nUpgrade: SPDY\/3\.1\r\n/);
  assert.match(answer, /\r\nX-Stream-Protocol-Version: v4\.channel\.k8s\.io\r\n/);
  const req = up.seen[before] as IncomingMessage;
  assert.is(req.method, 'POST');
  assert.is(req.headers.authorization, `Bearer ${TOKEN}`);
  assert.is(req.headers.upgrade, 'SPDY/3.1');
  assert.is(req.url, `${EXEC}?command=sh&stdin=true`);
  const data = randomBytes(3 << 20);
  const back = await echo(socket, data, rest);
  assert.ok(back.equals(data), 'every byte came back unchanged');
  socket.destroy();
});

test('upgrade :: WebSocket (GET, Upgrade: websocket) with bytes sent right behind the request head', async () => {
  const early = Buffer.from([0x82, 0x01, 0x00, 0xff, 0x00]);
  const head = upgradeHead('GET', EXEC, 'websocket', 'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n');
  const { socket, answer, rest } = await openUpgrade(open.sock, head, early);
  assert.match(answer, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
  const got = await echo(socket, Buffer.from('after'), rest, early.length + 5);
  assert.ok(got.equals(Buffer.concat([early, Buffer.from('after')])), got.toString('hex'));
  socket.destroy();
});

test('upgrade :: when the server closes the stream, the client\'s connection ends', async () => {
  const { socket, answer } = await openUpgrade(open.sock, upgradeHead('POST', PORTFORWARD, 'SPDY/3.1'));
  assert.match(answer, /^HTTP\/1\.1 101 /);
  const ended = new Promise<void>((r) => socket.on('close', () => r()));
  socket.resume();
  (upstreamSockets.at(-1) as Duplex).end();
  await ended;
});

test('upgrade :: when the client goes away, the server\'s side is closed', async () => {
  const { socket } = await openUpgrade(open.sock, upgradeHead('POST', PORTFORWARD, 'SPDY/3.1'));
  const server = upstreamSockets.at(-1) as Duplex;
  const closed = new Promise<void>((r) => server.on('close', () => r()));
  socket.destroy();
  await closed;
});

test('upgrade :: the access log records 101 and the bytes relayed to the client', async () => {
  const before = open.records.length;
  const { socket, rest } = await openUpgrade(open.sock, upgradeHead('POST', EXEC, 'SPDY/3.1'));
  await echo(socket, Buffer.alloc(1000, 7), rest);
  const closed = new Promise((r) => setTimeout(r, 50));
  socket.destroy();
  await closed;
  const rec = open.records.slice(before).find((r) => r.path.startsWith(EXEC));
  assert.is(rec?.status, 101);
  assert.is(rec?.bytes, 1000);
});

test('upgrade :: exec is refused by kubectl proxy\'s default filters with its 403 text', async () => {
  const before = up.seen.length;
  const text = await rawExchange(strict.sock, upgradeHead('POST', EXEC, 'SPDY/3.1'));
  assert.match(text, /^HTTP\/1\.1 403 Forbidden\r\nContent-Type: text\/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nDate: [^\r]+\r\nContent-Length: 10\r\nConnection: close\r\n\r\nForbidden\n$/);
  assert.is(up.seen.length, before, 'nothing reached the server');
});

test('upgrade :: port-forward passes the default filters', async () => {
  const { socket, answer } = await openUpgrade(strict.sock, upgradeHead('POST', PORTFORWARD, 'SPDY/3.1'));
  assert.match(answer, /^HTTP\/1\.1 101 /);
  socket.destroy();
});

test('upgrade :: a server that refuses the upgrade has its answer passed back', async () => {
  const text = await rawExchange(open.sock, upgradeHead('POST', '/api/v1/namespaces/default/pods/other/exec', 'SPDY/3.1'));
  assert.match(text, /^HTTP\/1\.1 403 Forbidden\r\n/);
  assert.match(text, /\r\nconnection: close\r\n/);
  assert.ok(text.endsWith('\r\n\r\n{"code":"403"}'), text);
});

test('upgrade :: --read-only refuses any upgrade with a 403 Status', async () => {
  const ro = await startHarness(up.port, up.pki.ca.certPath, { rules: { ...defaultRules(), readOnly: true } });
  const text = await rawExchange(ro.sock, upgradeHead('GET', PORTFORWARD, 'websocket'));
  assert.match(text, /^HTTP\/1\.1 403 Forbidden\r\nContent-Type: application\/json\r\n/);
  const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { message: string; reason: string };
  assert.is(body.reason, 'Forbidden');
  assert.is(body.message, 'kubectl sock proxy is serving read-only (--read-only): connection upgrades (exec, attach, port-forward) are not allowed');
  ro.abort.abort();
  await ro.relay.done;
});

test.run();
