// Second security review (issue #18 item 7): request smuggling through the
// relay and its HTTP/1.1 engine. A client of a socket sends framing two
// parsers could read differently (Content-Length against Transfer-Encoding,
// duplicates, obs-fold, bare LF, odd codings, CR or NUL where none may be) or
// hides a second request behind a body, an upgrade or HTTP/1.0; each is either
// refused with 400 before anything goes upstream, or read exactly one way,
// and the relay's credentials replace the client's on every request.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from '../../helpers/kubeconfig-builder.ts';
import { TOKEN, rawExchange, startHarness, startUpstream, type Harness, type UpstreamServer } from './relay-harness.ts';

let up: UpstreamServer;
let h: Harness;

test.before(async () => {
  up = await startUpstream(tempDir('ksock-smuggle-'));
  up.routes.set('/api/v1/namespaces', (req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  h = await startHarness(up.port, up.pki.ca.certPath);
});

test.after(async () => {
  h?.abort.abort();
  await h?.relay.done;
  await up?.close();
});

const HOST = 'Host: localhost\r\n';
const SMUGGLED = `GET /smuggled HTTP/1.1\r\n${HOST}\r\n`;

/** Sends raw bytes; returns the status lines answered and the upstream requests (method, path, body) they caused. */
async function exchange(raw: string): Promise<{ statuses: string[]; upstream: string[] }> {
  const from = up.seen.length;
  const got = await rawExchange(h.sock, raw);
  // Let the upstream finish reading what was forwarded.
  await new Promise((r) => setTimeout(r, 50));
  const statuses = got.split('\r\n').filter((l) => /^HTTP\/1\.1 \d{3}/.test(l));
  return { statuses, upstream: up.seen.slice(from).map((q) => `${q.method} ${q.url}`) };
}

const refused: Array<[string, string]> = [
  ['Content-Length and Transfer-Encoding', `POST /api/v1/namespaces HTTP/1.1\r\n${HOST}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`],
  ['two different Content-Lengths', `POST /api/v1/namespaces HTTP/1.1\r\n${HOST}Content-Length: 4\r\nContent-Length: 40\r\n\r\nabcd${SMUGGLED}`],
  ['two equal Content-Lengths', `POST /api/v1/namespaces HTTP/1.1\r\n${HOST}Content-Length: 4\r\nContent-Length: 4\r\n\r\nabcd${SMUGGLED}`],
  ['a Content-Length with a sign', `POST /api/v1/namespaces HTTP/1.1\r\n${HOST}Content-Length: +4\r\n\r\nabcd${SMUGGLED}`],
  ['obs-fold hiding a header', `GET /api/v1/namespaces HTTP/1.1\r\n${HOST}X-A: a\r\n Impersonate-User: system:admin\r\n\r\n`],
  ['bare LF line ends', `GET /api/v1/namespaces HTTP/1.1\n${HOST.replace('\r\n', '\n')}\n`],
  ['Transfer-Encoding: xchunked', `POST /api/v1/namespaces HTTP/1.1\r\n${HOST}Transfer-Encoding: xchunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n${SMUGGLED}`],
  ['Transfer-Encoding: chunked, identity', `POST /api/v1/namespaces HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked, identity\r\n\r\n4\r\nabcd\r\n0\r\n\r\n${SMUGGLED}`],
  ['a space before the colon', `POST /api/v1/namespaces HTTP/1.1\r\n${HOST}Transfer-Encoding : chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n${SMUGGLED}`],
  ['two Transfer-Encoding headers', `POST /api/v1/namespaces HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n`],
  ['a CR in the request target', `GET /api/v1/namespaces\rX-Injected: 1 HTTP/1.1\r\n${HOST}\r\n`],
  ['a NUL in a header value', `GET /api/v1/namespaces HTTP/1.1\r\n${HOST}X-A: a\0b\r\n\r\n`],
  ['a chunk size that overflows', `POST /api/v1/namespaces HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\nabcd\r\n0\r\n\r\n`],
];

for (const [name, raw] of refused) {
  test(`smuggling :: ${name}: 400, and nothing upstream`, async () => {
    const r = await exchange(raw);
    assert.equal(r.statuses, ['HTTP/1.1 400 Bad Request'], name);
    assert.equal(r.upstream, [], name);
  });
}

test('smuggling :: a chunked body is re-framed; extensions and trailers stay behind; the next request is the next one', async () => {
  const r = await exchange(`POST /api/v1/namespaces HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n4;ext=x\r\nabcd\r\n0\r\nX-Trailer: y\r\n\r\n${SMUGGLED.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n')}`);
  assert.equal(r.upstream, ['POST /api/v1/namespaces', 'GET /smuggled']);
  assert.equal(r.statuses, ['HTTP/1.1 200 OK', 'HTTP/1.1 404 Not Found']);
});

test('smuggling :: pipelined requests each carry the relay\'s token, never the client\'s Authorization or Impersonate-*', async () => {
  const from = up.seen.length;
  await exchange(`GET /api/v1/namespaces HTTP/1.1\r\n${HOST}\r\nGET /api/v1/namespaces HTTP/1.1\r\n${HOST}Authorization: Bearer stolen\r\nImpersonate-User: system:admin\r\nImpersonate-Group: system:masters\r\nConnection: close\r\n\r\n`);
  const seen = up.seen.slice(from);
  assert.is(seen.length, 2);
  for (const q of seen) {
    assert.is(q.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(Object.keys(q.headers).filter((k) => k.startsWith('impersonate-')), []);
  }
});

test('smuggling :: HTTP/1.0 with a body: the bytes after it are not a second request', async () => {
  const r = await exchange(`POST /api/v1/namespaces HTTP/1.0\r\n${HOST}Content-Length: 3\r\n\r\nabc${SMUGGLED}`);
  assert.not.ok(r.upstream.includes('GET /smuggled'), r.upstream.join());
});

test('smuggling :: an upgrade the server does not take ends the connection; what followed is never read as a request', async () => {
  const r = await exchange(`GET /api/v1/namespaces HTTP/1.1\r\n${HOST}Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n${SMUGGLED}`);
  assert.equal(r.upstream, ['GET /api/v1/namespaces']);
  assert.is(r.statuses.length, 1);
});

test('smuggling :: an upgrade carries the relay\'s token, never the client\'s Authorization or Impersonate-*', async () => {
  const from = up.seen.length;
  // (exec is refused by kubectl proxy's default filter; the upgrade of another path goes up.)
  await exchange(`GET /api/v1/namespaces/default/pods/web/log HTTP/1.1\r\n${HOST}Connection: Upgrade\r\nUpgrade: websocket\r\nAuthorization: Bearer stolen\r\nImpersonate-User: system:admin\r\n\r\n`);
  const seen = up.seen.slice(from);
  assert.is(seen.length, 1);
  assert.is(seen[0]?.headers.upgrade, 'websocket');
  assert.is(seen[0]?.headers.authorization, `Bearer ${TOKEN}`);
  assert.is(seen[0]?.headers['impersonate-user'], undefined);
});

test('smuggling :: Upgrade without Connection: Upgrade is an ordinary request; the header does not go upstream', async () => {
  const from = up.seen.length;
  const r = await exchange(`GET /api/v1/namespaces HTTP/1.1\r\n${HOST}Upgrade: websocket\r\nConnection: close\r\n\r\n`);
  assert.equal(r.statuses, ['HTTP/1.1 200 OK']);
  assert.is(up.seen[from]?.headers.upgrade, undefined);
});

test.run();
