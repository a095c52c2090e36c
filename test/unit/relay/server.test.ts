// The relay's HTTP side in-process, in front of a TLS upstream the test controls:
// credentials, streaming both ways, errors, --read-only, --max-connections, shutdown.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { join } from 'node:path';
import { TOKEN, call, defaultRules, startHarness, startUpstream, type Harness, type UpstreamServer } from './relay-harness.ts';
import { tempDir } from '../../helpers/kubeconfig-builder.ts';

let up: UpstreamServer;
let h: Harness;

test.before(async () => {
  up = await startUpstream(tempDir('ksock-up-'));
  up.routes.set('/echo', (req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers)));
  h = await startHarness(up.port, up.pki.ca.certPath);
});

test.after(async () => {
  h?.abort.abort();
  await h?.relay.done;
  await up?.close();
});

test('relay :: the relay attaches its token; the client\'s Authorization and Impersonate-* never reach the server', async () => {
  const r = await call(h.sock, 'GET', '/echo', {
    authorization: 'Bearer stolen', 'impersonate-user': 'system:admin', 'Impersonate-Group': 'system:masters', 'user-agent': 'kubectl/v1.33', 'x-custom': 'kept',
  });
  assert.is(r.status, 200);
  const seen = JSON.parse(r.body) as Record<string, string>;
  assert.is(seen['authorization'], `Bearer ${TOKEN}`);
  assert.is(seen['impersonate-user'], undefined);
  assert.is(seen['impersonate-group'], undefined);
  assert.is(seen['user-agent'], 'kubectl/v1.33');
  assert.is(seen['x-custom'], 'kept');
  assert.is(seen['host'], `127.0.0.1:${up.port}`);
});

test('relay :: response headers come back canonical and sorted, without Connection/Keep-Alive (as Go writes them)', async () => {
  up.routes.set('/headers', (_req, res) => res.writeHead(200, [['x-zeta', '1'], ['audit-id', 'a'], ['Content-Type', 'text/plain'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2']]).end('ok'));
  const raw = await new Promise<string[]>((ok) => {
    request({ socketPath: h.sock, path: '/headers', headers: { host: 'localhost' } }, (res) => {
      res.resume();
      ok(res.rawHeaders);
    }).end();
  });
  const names = raw.filter((_, i) => i % 2 === 0);
  // Go's server, too, writes the framing header after the handler's sorted ones.
  assert.equal(names, ['Audit-Id', 'Content-Type', 'Date', 'Set-Cookie', 'Set-Cookie', 'X-Zeta', 'Transfer-Encoding']);
});

test('relay :: a streamed response flows before the server ends it', async () => {
  let finish: () => void = () => undefined;
  up.routes.set('/stream', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first line\n');
    finish = () => res.end('last line\n');
  });
  const first = await new Promise<{ chunk: string; rest: Promise<string> }>((ok) => {
    request({ socketPath: h.sock, path: '/stream', headers: { host: 'localhost' } }, (res) => {
      res.setEncoding('utf8');
      res.once('data', (chunk: string) => {
        let rest = '';
        const done = new Promise<string>((r) => res.on('data', (c: string) => (rest += c)).on('end', () => r(rest)));
        ok({ chunk, rest: done });
      });
    }).end();
  });
  assert.is(first.chunk, 'first line\n');
  finish();
  assert.is(await first.rest, 'last line\n');
});

test('relay :: a request body streams: the server reads its start before the client sent the rest', async () => {
  let sawFirst: () => void = () => undefined;
  const firstArrived = new Promise<void>((r) => (sawFirst = r));
  up.routes.set('/upload', (req, res) => {
    const hash = createHash('sha256');
    let n = 0;
    req.on('data', (c: Buffer) => {
      if (n === 0) sawFirst();
      n += c.length;
      hash.update(c);
    });
    req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ n, sha: hash.digest('hex') })));
  });
  const chunks = Array.from({ length: 16 }, () => randomBytes(1 << 20));
  const answer = new Promise<string>((ok, fail) => {
    const req = request({ socketPath: h.sock, method: 'PUT', path: '/upload', headers: { host: 'localhost', 'content-type': 'application/octet-stream' } }, (res) => {
      let t = '';
      res.on('data', (c) => (t += c)).on('end', () => ok(t));
    });
    req.on('error', fail);
    req.write(chunks[0]);
    // The rest is only sent once the server has seen the start: a buffering relay would deadlock here.
    void firstArrived.then(() => {
      for (const c of chunks.slice(1)) req.write(c);
      req.end();
    });
  });
  const got = JSON.parse(await answer) as { n: number; sha: string };
  assert.is(got.n, 16 << 20);
  assert.is(got.sha, createHash('sha256').update(Buffer.concat(chunks)).digest('hex'));
});

test('relay :: keep-alive: many requests share one client connection', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<unknown>();
  for (let i = 0; i < 5; i++) {
    await new Promise<void>((ok) => {
      request({ socketPath: h.sock, path: '/echo', agent, headers: { host: 'localhost' } }, (res) => {
        sockets.add(res.socket);
        res.resume().on('end', ok);
      }).end();
    });
  }
  agent.destroy();
  assert.is(sockets.size, 1);
});

test('relay :: the access log has one record per request with status and bytes', async () => {
  const before = h.records.length;
  await call(h.sock, 'GET', '/echo?x=1');
  await call(h.sock, 'GET', '/api/v1/namespaces/d/pods/p/exec');
  await new Promise((r) => setImmediate(r));
  const recs = h.records.slice(before);
  assert.equal(recs.map((r) => [r.method, r.path, r.status]), [['GET', '/echo?x=1', 200], ['GET', '/api/v1/namespaces/d/pods/p/exec', 403]]);
  assert.ok((recs[0]?.bytes ?? 0) > 50);
  assert.is(recs[1]?.bytes, 10);
  assert.ok(recs.every((r) => r.durationMs >= 0 && r.time instanceof Date));
});

test('relay :: a client that leaves a stream closes the upstream request too', async () => {
  let upstreamClosed: () => void = () => undefined;
  const closed = new Promise<void>((r) => (upstreamClosed = r));
  up.routes.set('/watch', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"type":"ADDED"}\n');
    res.on('close', () => upstreamClosed());
  });
  await new Promise<void>((ok) => {
    const req = request({ socketPath: h.sock, path: '/watch', headers: { host: 'localhost' } }, (res) => {
      res.once('data', () => {
        req.destroy();
        ok();
      });
    });
    req.on('error', () => undefined);
    req.end();
  });
  await closed;
});

test('relay :: a 401 makes the exec plugin run again and the request is retried once', async () => {
  const plugin = join(import.meta.dirname, '..', '..', 'fixtures', 'exec-plugin.sh');
  const countFile = join(tempDir('ksock-exec-'), 'runs');
  const output = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: TOKEN } });
  const env = [{ name: 'TEST_OUTPUT', value: output }, { name: 'TEST_COUNT_FILE', value: countFile }];
  const e = await startHarness(up.port, up.pki.ca.certPath, {}, { exec: { command: plugin, apiVersion: 'client.authentication.k8s.io/v1', interactiveMode: 'Never', env } });
  let calls = 0;
  up.routes.set('/flaky', (_req, res) => {
    calls++;
    if (calls === 1) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"kind":"Status","code":401}');
    res.writeHead(200).end('second time lucky');
  });
  const r = await call(e.sock, 'GET', '/flaky');
  assert.is(r.body, 'second time lucky');
  assert.is(calls, 2);
  assert.is(readFileSync(countFile, 'utf8'), 'run\nrun\n');
  e.abort.abort();
  await e.relay.done;
});

test('relay :: a connection closed before the answer is resent once, and only when it was kept alive, as Go\'s transport does', async () => {
  const e = await startHarness(up.port, up.pki.ca.certPath);
  let hangUps = 0;
  let asked = 0;
  up.routes.set('/flaky-conn', (req, res) => {
    asked++;
    if (hangUps > 0) {
      hangUps--;
      return void req.socket.destroy();
    }
    res.writeHead(200).end('answered');
  });
  try {
    await resendsOnlyKeptAlive(e.sock, (n) => {
      hangUps = n;
      asked = 0;
    }, () => asked);
  } finally {
    e.abort.abort();
    await e.relay.done;
  }
});

async function resendsOnlyKeptAlive(sock: string, hangUp: (n: number) => void, asked: () => number): Promise<void> {
  // The first request takes a fresh connection: its hang-up is the client's 500, as with kubectl proxy.
  hangUp(1);
  const fresh = await call(sock, 'GET', '/flaky-conn');
  assert.is(fresh.status, 500);
  assert.is(fresh.body, 'EOF\n');
  assert.is(asked(), 1);
  assert.is((await call(sock, 'GET', '/echo')).status, 200);
  // Now a kept-alive connection serves it: one hang-up is resent, a second is the 500.
  hangUp(1);
  assert.is((await call(sock, 'GET', '/flaky-conn')).body, 'answered');
  assert.is(asked(), 2);
  assert.is((await call(sock, 'GET', '/echo')).status, 200);
  hangUp(2);
  assert.is((await call(sock, 'GET', '/flaky-conn')).status, 500);
  assert.is(asked(), 2);
  // A DELETE is not replayable: never resent.
  assert.is((await call(sock, 'GET', '/echo')).status, 200);
  hangUp(1);
  assert.is((await call(sock, 'DELETE', '/flaky-conn')).status, 500);
  assert.is(asked(), 1);
}

test('relay :: an unreachable server is a 500 with Go\'s error text and an E line, as kubectl proxy', async () => {
  const dead = await startHarness(1, up.pki.ca.certPath).catch((e: Error) => e);
  // The warm-up lives in the command; the relay itself starts and answers per request.
  assert.not.instance(dead, Error);
  if (dead instanceof Error) return;
  const r = await call(dead.sock, 'GET', '/version');
  assert.is(r.status, 500);
  assert.is(r.body, 'dial tcp 127.0.0.1:1: connect: connection refused\n');
  assert.is(r.headers['content-type'], 'text/plain; charset=utf-8');
  assert.match(dead.err.text(), /^E\d{4} [\d:.]+ +4242 proxy_server\.ts\] Error while proxying request: dial tcp 127\.0\.0\.1:1: connect: connection refused\n$/);
  dead.abort.abort();
  assert.is(await dead.relay.done, 'signal');
});

test('relay :: --read-only: GET passes, DELETE gets a 403 Status that says why', async () => {
  const ro = await startHarness(up.port, up.pki.ca.certPath, { rules: { ...defaultRules(), readOnly: true } });
  up.routes.set('/api/v1/namespaces/default/pods/p', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  const before = up.seen.length;
  assert.is((await call(ro.sock, 'GET', '/api/v1/namespaces/default/pods/p')).status, 200);
  const del = await call(ro.sock, 'DELETE', '/api/v1/namespaces/default/pods/p');
  assert.is(del.status, 403);
  assert.is(del.headers['content-type'], 'application/json');
  assert.equal(JSON.parse(del.body), {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 403, reason: 'Forbidden',
    message: 'kubectl sock proxy is serving read-only (--read-only): DELETE is not allowed; only GET, HEAD and watch requests are',
  });
  assert.is(up.seen.length, before + 1, 'the DELETE never reached the server');
  ro.abort.abort();
  await ro.relay.done;
});

test('relay :: --max-connections: an excess connection waits, then is served when one closes', async () => {
  const gated = await startHarness(up.port, up.pki.ca.certPath, { maxConnections: 1 });
  let release: () => void = () => undefined;
  up.routes.set('/hold', (_req, res) => {
    res.writeHead(200);
    res.write('held ');
    release = () => res.end('released');
  });
  const held = call(gated.sock, 'GET', '/hold');
  await new Promise((r) => setTimeout(r, 100));
  let secondDone = false;
  const second = call(gated.sock, 'GET', '/echo').then((r) => ((secondDone = true), r));
  await new Promise((r) => setTimeout(r, 300));
  assert.not.ok(secondDone, 'the second connection waits while the first is busy');
  release();
  assert.is((await held).body, 'held released');
  assert.is((await second).status, 200);
  gated.abort.abort();
  await gated.relay.done;
});

test('relay :: stopping removes the socket and cuts open streams', async () => {
  const s = await startHarness(up.port, up.pki.ca.certPath);
  up.routes.set('/forever', (_req, res) => {
    res.writeHead(200);
    res.write('tick\n');
  });
  const stream = new Promise<string>((ok) => {
    request({ socketPath: s.sock, path: '/forever', headers: { host: 'localhost' } }, (res) => {
      res.on('data', () => s.abort.abort());
      res.on('close', () => ok('closed'));
    }).end();
  });
  assert.is(await stream, 'closed');
  assert.is(await s.relay.done, 'signal');
  assert.not.ok(existsSync(s.sock));
});

test('relay :: stop() removes the socket and settles done with "stopped"', async () => {
  const s = await startHarness(up.port, up.pki.ca.certPath);
  await s.relay.stop();
  assert.is(await s.relay.done, 'stopped');
  assert.not.ok(existsSync(s.sock));
});

test('relay :: --expire-after stops the relay and removes the socket', async () => {
  const s = await startHarness(up.port, up.pki.ca.certPath, { expireAfterMs: 200 });
  assert.ok(existsSync(s.sock));
  assert.is(await s.relay.done, 'expired');
  assert.not.ok(existsSync(s.sock));
  assert.not.ok(existsSync(join(s.dir, 'relay.sock')));
});

test.run();
