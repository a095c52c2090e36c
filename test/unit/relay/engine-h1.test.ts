// The relay's HTTP/1.1 engine against raw servers that answer byte by byte
// as the test says: heads as Go reads them, bodies by Content-Length, chunks
// or the connection's end, connections kept alive and reused, and the flow
// of an answer that is over never touching the connection's next one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { H1Engine } from '../../../plugin/relay/engine-h1.ts';
import type { DistinctHeaders, Flow, ResponseSink } from '../../../plugin/relay/engine.ts';
import { parseResponseHead } from '../../../plugin/relay/response-head.ts';
import { resolveServerAddress } from '../../../plugin/transport/address.ts';
import { tempDir } from '../../helpers/kubeconfig-builder.ts';

test('head: Go\'s reading of a response head', () => {
  const p = (s: string) => parseResponseHead(Buffer.from(s, 'latin1'));
  const got = p('HTTP/1.1 200 OK\r\nSet-Cookie: a\r\nset-cookie: b\r\nX-Pad:  spaced \t\r\n\r\nbody');
  assert.equal(got?.head, { status: 200, headers: { 'set-cookie': ['a', 'b'], 'x-pad': ['spaced'] }, close: false });
  assert.is(got?.rest.toString(), 'body');
  // Bare LF line ends, as textproto accepts them; no reason phrase.
  assert.equal(p('HTTP/1.1 204\nA: 1\n\n')?.head, { status: 204, headers: { a: ['1'] }, close: false });
  assert.is(p('HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\n\r\n')?.head.close, true);
  assert.is(p('HTTP/1.0 200 OK\r\n\r\n')?.head.close, true);
  assert.is(p('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n')?.head.close, false);
  assert.is(p('HTTP/1.1 200 OK\r\nA: 1\r\n'), undefined);
  assert.is(p('HTT'), undefined);
  for (const bad of ['SSH-2.0-OpenSSH_9.6\r\n\r\n', 'HTTP/2 200\r\n\r\n', 'HTTP/1.1 20 OK\r\n\r\n', 'HTTP/1.1 200 OK\r\nno colon\r\n\r\n', 'HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n']) {
    assert.throws(() => p(bad), (e: Error & { code?: string }) => e.code?.startsWith('HPE_') === true, bad);
  }
});

let server: Server;
let sock: string;
/** What the server answers, per request, in order; each gets the request's head and the socket. */
const answers: Array<(head: string, s: Socket) => void> = [];
let connections = 0;

test.before(async () => {
  sock = join(tempDir('ksock-h1-'), 'up.sock');
  server = createServer((s) => {
    connections++;
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        const head = buf.slice(0, end);
        buf = buf.slice(end + 4);
        (answers.shift() ?? ((_h, c) => c.destroy()))(head, s);
      }
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(sock, r));
});

test.after(() => new Promise<void>((r) => server.close(() => r())));

interface Heard { status?: number; headers?: DistinctHeaders; body: string; ended: boolean; error?: Error; flow?: Flow }

function engine(): H1Engine {
  return new H1Engine({ address: resolveServerAddress(`unix://${sock}`, { baseDir: '/', home: '/', defaultTLS: false }), tls: { insecure: false }, maxIdle: 4 });
}

function get(e: H1Engine, path: string, method = 'GET', fresh = false): Promise<Heard> {
  return new Promise((resolve) => {
    const h: Heard = { body: '', ended: false };
    const sink: ResponseSink = {
      start: (flow) => void (h.flow = flow),
      head: (status, headers) => Object.assign(h, { status, headers }),
      data: (c) => void (h.body += c.toString('latin1')),
      end: () => resolve(Object.assign(h, { ended: true })),
      error: (err) => resolve(Object.assign(h, { error: err })),
    };
    e.send({ method, path, headers: ['Accept', 'application/json'], body: null }, sink, fresh);
  });
}

test('engine: sized, chunked and 1xx-preceded answers on one kept-alive connection', async () => {
  const e = engine();
  const before = connections;
  let seen = '';
  answers.push((head, s) => {
    seen = head;
    s.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
  });
  answers.push((_h, s) => s.write('HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nTrailer: t\r\n\r\n'));
  answers.push((_h, s) => s.write('HTTP/1.1 204 No Content\r\n\r\n'));
  const one = await get(e, '/one?x=1');
  assert.is(one.body, 'hello');
  assert.is(seen, 'GET /one?x=1 HTTP/1.1\r\nHost: localhost\r\nAccept: application/json');
  const two = await get(e, '/two');
  assert.is(two.status, 200);
  assert.is(two.body, 'abcde');
  assert.is(two.flow?.reused(), true);
  const three = await get(e, '/three');
  assert.equal([three.status, three.body, three.ended], [204, '', true]);
  assert.is(connections - before, 1);
  e.close();
});

test('engine: a body that ends with the connection, and a connection that ends before its body', async () => {
  const e = engine();
  answers.push((_h, s) => s.end('HTTP/1.1 200 OK\r\n\r\nuntil close'));
  const closeDelimited = await get(e, '/a');
  assert.equal([closeDelimited.body, closeDelimited.ended], ['until close', true]);
  answers.push((_h, s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort'));
  const cut = await get(e, '/b');
  assert.is(cut.body, 'short');
  assert.is((cut.error as Error & { code?: string }).code, 'UND_ERR_SOCKET');
  answers.push((_h, s) => s.end('SSH-2.0-OpenSSH_9.6 not-http\r\n\r\n'));
  const garbage = await get(e, '/c');
  assert.match(String((garbage.error as Error & { code?: string }).code), /^HPE_/);
  e.close();
});

test('engine: HEAD has no body whatever its Content-Length says', async () => {
  const e = engine();
  answers.push((_h, s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n'));
  answers.push((_h, s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
  const head = await get(e, '/h', 'HEAD');
  assert.equal([head.status, head.body, head.ended], [200, '', true]);
  assert.is((await get(e, '/after')).body, 'ok');
  e.close();
});

test('engine: pausing an answer that is over leaves the connection\'s next answer flowing', async () => {
  const e = engine();
  answers.push((_h, s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none'));
  answers.push((_h, s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo'));
  const first = await get(e, '/1');
  // The relay's last write may report a full buffer after the answer ended.
  first.flow?.pause();
  const second = await Promise.race([get(e, '/2'), new Promise<Heard>((r) => setTimeout(() => r({ body: 'stalled', ended: false }), 3000))]);
  assert.is(second.body, 'two');
  e.close();
});

test('engine: a fresh request never takes an idle connection; Connection: close is not reused', async () => {
  const e = engine();
  answers.push((_h, s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na'));
  answers.push((_h, s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\nb'));
  answers.push((_h, s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nc'));
  const before = connections;
  await get(e, '/a');
  const b = await get(e, '/b', 'GET', true);
  assert.is(b.flow?.reused(), false);
  const c = await get(e, '/c');
  // /a's connection was idle, so /c reused it; /b's said close.
  assert.is(c.flow?.reused(), true);
  assert.is(connections - before, 2);
  e.close();
});

test.run();
