// `kubectl sock proxy`, run as the built binary in front of the fake API server
// (TLS + token), with kubectl-sock, real kubectl and raw HTTP as its clients, and
// real `kubectl proxy` as the oracle for its own answers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.ts';
import { makePki } from '../helpers/certs.ts';
import { kc, tempDir } from '../helpers/kubeconfig-builder.ts';
import { BINARY, kubectl, sock, sockClientLines, startBackground, startKubectlProxy, type Background } from '../helpers/processes.ts';
import { call, rawExchange } from '../unit/relay/relay-harness.ts';

const TOKEN = 'e2e-proxy-token';
let dir: string;
let api: FakeApiServer;
let admin: string;
let ours: Background;
let tcp: Background & { port: number };
let oracle: Background & { address: string };
let ourSock: string;
const log = () => join(dir, 'access.log');

/** Starts `kubectl sock proxy` with the admin kubeconfig; resolves once it printed its startup line. */
function startProxy(args: string[]): Promise<Background> {
  return startBackground(BINARY, ['proxy', '--kubeconfig', admin, ...args], /^Starting to serve on /);
}

function pod(name: string): object {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'app:1' }] },
    status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }] },
  };
}

test.before(async () => {
  dir = tempDir('ksock-e2e-proxy-');
  const pki = await makePki(join(dir, 'pki'));
  api = await startFakeApiServer({ tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert }, token: TOKEN });
  for (let i = 0; i < 200; i++) api.addObject(pod(`pod-${i}`) as never);
  api.setLogs('default', 'pod-0', 'app', ['line 1', 'line 2']);
  admin = kc()
    .cluster('fake', { server: api.httpsUrl, 'certificate-authority': pki.ca.certPath })
    .user('admin', { token: TOKEN })
    .context('admin', { cluster: 'fake', user: 'admin' })
    .current('admin')
    .write(join(dir, 'admin.kubeconfig'));
  ourSock = join(dir, 'kube.sock');
  ours = await startProxy([`--unix-socket=${ourSock}`, `--access-log=${log()}`]);
  const t = await startProxy(['--port=0', '--read-only']);
  tcp = Object.assign(t, { port: Number(t.line.split(':').pop()) });
  oracle = await startKubectlProxy(admin, { unixSocket: join(dir, 'oracle.sock') });
});

test.after(async () => {
  await Promise.all([ours?.stop(), tcp?.stop(), oracle?.stop()]);
  await api?.close();
});

test('proxy :: announces the socket as kubectl proxy does, once it is in place with mode 0600', () => {
  assert.is(ours.output(), `Starting to serve on ${ourSock}\n`);
  assert.match(tcp.line, /^Starting to serve on 127\.0\.0\.1:\d+$/);
  assert.is.not(tcp.port, 0);
  const st = lstatSync(ourSock);
  assert.ok(st.isSocket());
  assert.is(st.mode & 0o777, 0o600);
});

test('proxy :: kubectl sock --server unix://PATH version goes through it', async () => {
  const r = await sock(['--server', `unix://${ourSock}`, 'version']);
  assert.is(r.stdout, `${await sockClientLines()}Server Version: v1.32.4-fake\n`, r.stderr);
  assert.is(r.code, 0);
});

test('proxy :: kubectl sock --server unix://PATH get pods -A and logs match kubectl over TLS', async () => {
  for (const args of [['get', 'pods', '-A'], ['logs', 'pod-0']]) {
    const through = await sock(['--server', `unix://${ourSock}`, ...args]);
    if (/^error: unknown command/.test(through.stderr)) {
      console.log(`  (skipped: kubectl sock has no ${args[0]} command yet)`);
      continue;
    }
    const direct = await kubectl(['--kubeconfig', admin, ...args]);
    assert.is(direct.code, 0, direct.stderr);
    assert.is(through.stdout, direct.stdout, args.join(' '));
    assert.is(through.code, 0, through.stderr);
  }
});

test('proxy :: real kubectl against its --port: get pods and logs identical to kubectl over TLS', async () => {
  const server = `http://127.0.0.1:${tcp.port}`;
  for (const args of [['get', 'pods', '-A'], ['get', 'pod', 'pod-7', '-o', 'json'], ['logs', 'pod-0']]) {
    const direct = await kubectl(['--kubeconfig', admin, ...args]);
    const through = await kubectl(['--server', server, ...args]);
    assert.is(direct.code, 0, direct.stderr);
    assert.is(through.stdout, direct.stdout, args.join(' '));
    assert.is(through.stderr, '');
  }
});

test('proxy :: clients need no credentials and cannot bring their own', async () => {
  const before = api.requests.length;
  const r = await call(ourSock, 'GET', '/api/v1/namespaces/default/pods/pod-1', { authorization: 'Bearer forged', 'impersonate-user': 'system:admin' });
  assert.is(r.status, 200);
  const seen = api.requests.slice(before);
  assert.is(seen.length, 1);
  assert.is(seen[0]?.headers['authorization'], `Bearer ${TOKEN}`);
  assert.is(seen[0]?.headers['impersonate-user'], undefined);
});

/** A raw request's answer, with the Date header's value blanked. */
async function rawAnswer(socketPath: string, head: string): Promise<string> {
  return (await rawExchange(socketPath, head)).replace(/\r\nDate: [^\r]+/, '\r\nDate: X');
}

test('proxy :: its 403 answers are byte for byte those of real kubectl proxy (exec path, bad Host)', async () => {
  const requests = [
    'GET /api/v1/namespaces/default/pods/pod-1/exec?command=sh HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    'POST /api/v1/namespaces/default/pods/pod-1/attach HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
    'GET /version HTTP/1.1\r\nHost: kube.sock\r\nConnection: close\r\n\r\n',
    'GET /version HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n',
  ];
  for (const head of requests) {
    const theirs = await rawAnswer(oracle.address, head);
    assert.match(theirs, /^HTTP\/1\.1 403 Forbidden\r\n/);
    assert.is(await rawAnswer(ourSock, head), theirs, head.split('\r\n')[0]);
  }
});

test('proxy :: --read-only: real kubectl gets a Forbidden Status for delete; get still works', async () => {
  const server = `http://127.0.0.1:${tcp.port}`;
  const before = api.requests.length;
  const del = await kubectl(['--server', server, 'delete', 'pod', 'pod-3']);
  assert.is(del.code, 1);
  assert.is(del.stderr, 'Error from server (Forbidden): kubectl sock proxy is serving read-only (--read-only): DELETE is not allowed; only GET, HEAD and watch requests are\n');
  assert.not.ok(api.requests.slice(before).some((r) => r.method === 'DELETE'), 'the DELETE never reached the server');
  const get = await kubectl(['--server', server, 'get', 'pod', 'pod-3', '-o', 'name']);
  assert.is(get.stdout, 'pod/pod-3\n', get.stderr);
});

test('proxy :: 200 concurrent requests, each on its own connection: none lost, each answered right', async () => {
  const names = Array.from({ length: 200 }, (_, i) => `pod-${i}`);
  const answers = await Promise.all(names.map((n) => call(ourSock, 'GET', `/api/v1/namespaces/default/pods/${n}`)));
  assert.equal(answers.map((a) => a.status), names.map(() => 200));
  assert.equal(answers.map((a) => (JSON.parse(a.body) as { metadata: { name: string } }).metadata.name), names);
});

test('proxy :: a followed log streams through: an appended line arrives while the stream is open', async () => {
  const got = await new Promise<string[]>((ok, fail) => {
    const chunks: string[] = [];
    const req = request({ socketPath: ourSock, path: '/api/v1/namespaces/default/pods/pod-0/log?follow=true', headers: { host: 'localhost' } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        chunks.push(c);
        const text = chunks.join('');
        if (text === 'line 1\nline 2\n') api.appendLogs('default', 'pod-0', 'app', ['line 3']);
        if (text.endsWith('line 3\n')) {
          ok(text.split('\n'));
          req.destroy();
        }
      });
    });
    req.on('error', fail);
    req.end();
  });
  assert.equal(got, ['line 1', 'line 2', 'line 3', '']);
});

test('proxy :: --access-log has a JSON line per request', async () => {
  await call(ourSock, 'GET', '/version?x=1');
  await call(ourSock, 'DELETE', '/api/v1/namespaces/default/pods/pod-2/exec');
  await new Promise((r) => setTimeout(r, 100));
  const lines = readFileSync(log(), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const last = lines.slice(-2);
  assert.equal(last.map((l) => Object.keys(l)), [['time', 'method', 'path', 'status', 'bytes', 'duration_ms'], ['time', 'method', 'path', 'status', 'bytes', 'duration_ms']]);
  assert.equal(last.map((l) => [l['method'], l['path'], l['status'], l['bytes']]), [['GET', '/version?x=1', 200, 268], ['DELETE', '/api/v1/namespaces/default/pods/pod-2/exec', 403, 10]]);
  assert.ok(lines.filter((l) => /^\/api\/v1\/namespaces\/default\/pods\/pod-\d+$/.test(String(l['path']))).length >= 200);
});

test('proxy :: SIGTERM removes the socket; nothing is printed', async () => {
  const path = join(dir, 'term.sock');
  const p = await startProxy([`--unix-socket=${path}`]);
  assert.ok(existsSync(path));
  await p.stop('SIGTERM');
  assert.is(p.child.exitCode, 143);
  assert.not.ok(existsSync(path));
  assert.is(p.output(), `Starting to serve on ${path}\n`);
});

test('proxy :: --expire-after=1s closes and removes the socket and exits 0 with a line saying so', async () => {
  const path = join(dir, 'expiring.sock');
  const p = await startProxy([`--unix-socket=${path}`, '--expire-after=1s']);
  const code = await new Promise<number | null>((r) => p.child.once('close', (c) => r(c)));
  assert.is(code, 0);
  assert.is(p.output(), `Starting to serve on ${path}\nStopped serving on ${path}: --expire-after=1s elapsed\n`);
  assert.not.ok(existsSync(path));
});

test('proxy :: refuses to replace a regular file, whose content stays', async () => {
  const path = join(dir, 'notes.txt');
  writeFileSync(path, 'keep me\n');
  const r = await sock(['proxy', '--kubeconfig', admin, `--unix-socket=${path}`]);
  assert.is(r.code, 1);
  assert.is(r.stderr, `error: refusing to replace ${path}: it is a regular file, not a socket\n`);
  assert.is(readFileSync(path, 'utf8'), 'keep me\n');
});

test('proxy :: --access-log refuses a world-readable file someone planted, one line, exit 1, no socket left', async () => {
  const planted = join(dir, 'planted.log');
  writeFileSync(planted, '', { mode: 0o644 });
  chmodSync(planted, 0o644);
  const path = join(dir, 'log-refused.sock');
  const r = await sock(['proxy', '--kubeconfig', admin, `--unix-socket=${path}`, `--access-log=${planted}`]);
  assert.is(r.stderr, `error: refusing to write the access log to ${planted}: other users may read or write it (mode 0644); chmod 600 it or choose a new file\n`);
  assert.is(r.code, 1);
  assert.not.ok(existsSync(path));
  assert.is(readFileSync(planted, 'utf8'), '');
});

test('proxy :: refuses a socket another proxy is serving', async () => {
  const r = await sock(['proxy', '--kubeconfig', admin, `--unix-socket=${ourSock}`]);
  assert.is(r.stderr, `error: ${ourSock} is in use: another process is listening on it\n`);
  assert.is((await call(ourSock, 'GET', '/version')).status, 200, 'the running proxy is unharmed');
});

test('proxy :: --unix-socket with --port is refused in kubectl proxy\'s words', async () => {
  const r = await sock(['proxy', '--kubeconfig', admin, '--unix-socket', join(dir, 'x.sock'), '--port', '9000']);
  const theirs = await kubectl(['proxy', '--kubeconfig', admin, '--unix-socket', join(dir, 'x.sock'), '--port', '9000']);
  assert.is(r.stderr, 'error: cannot set --unix-socket and --port at the same time\n');
  assert.is(r.stderr, theirs.stderr);
  assert.is(r.code, 1);
});

test.run();
