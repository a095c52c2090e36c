// `kubectl sock version` over every transport, run as the built binary against
// the project's fake API server and real `kubectl proxy` in front of it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, connect, type Server } from 'node:net';
import { join } from 'node:path';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.ts';
import { makePki, type Pki } from '../helpers/certs.ts';
import { kc, tempDir } from '../helpers/kubeconfig-builder.ts';
import { kubectl, sock, sockClientLines, startKubectlProxy, type Background } from '../helpers/processes.ts';

const TOKEN = 'e2e-secret-token';
let dir: string;
let pki: Pki;
let api: FakeApiServer;
let admin: string;
let unixProxy: Background & { address: string };
let tcpProxy: Background & { address: string };
let forwarder: Server;

test.before(async () => {
  dir = tempDir('ksock-e2e-');
  pki = await makePki(join(dir, 'pki'));
  api = await startFakeApiServer({
    unixSocket: join(dir, 'api.sock'),
    tcp: true,
    tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert },
    token: TOKEN,
    version: { gitVersion: 'v1.32.4-e2e' },
  });
  admin = kc()
    .cluster('fake', { server: api.httpsUrl, 'certificate-authority': pki.ca.certPath })
    .user('admin', { token: TOKEN })
    .context('admin', { cluster: 'fake', user: 'admin' })
    .current('admin')
    .write(join(dir, 'admin.kubeconfig'));
  unixProxy = await startKubectlProxy(admin, { unixSocket: join(dir, 'kube.sock') });
  tcpProxy = await startKubectlProxy(admin, { port: 0 });
  // An `ssh -L fwd.sock:apiserver:6443` stand-in: bytes from a unix socket to the TLS port.
  const tlsPort = Number(new URL(api.httpsUrl as string).port);
  forwarder = createServer((c) => {
    const up = connect(tlsPort, '127.0.0.1');
    c.pipe(up).pipe(c);
    c.on('error', () => up.destroy());
    up.on('error', () => c.destroy());
  });
  await new Promise<void>((r) => forwarder.listen(join(dir, 'fwd.sock'), r));
});

test.after(async () => {
  await unixProxy?.stop();
  await tcpProxy?.stop();
  await new Promise((r) => forwarder?.close(r));
  await api?.close();
});

const serverLine = 'Server Version: v1.32.4-e2e\n';

test('version :: kubectl over TLS is the oracle for the server line', async () => {
  const r = await kubectl(['--kubeconfig', admin, 'version']);
  assert.ok(r.stdout.includes(serverLine), r.stdout + r.stderr);
});

test('version :: --server unix:///…/kube.sock through real kubectl proxy', async () => {
  const r = await sock(['--server', `unix://${join(dir, 'kube.sock')}`, 'version']);
  assert.is(r.stdout, `${await sockClientLines()}${serverLine}`);
  assert.is(r.stderr, '');
  assert.is(r.code, 0);
});

test('version :: --server with a bare socket path, flag after the subcommand', async () => {
  const r = await sock(['version', '--server', join(dir, 'kube.sock')]);
  assert.is(r.stdout, `${await sockClientLines()}${serverLine}`);
  assert.is(r.code, 0);
});

test('version :: a kubeconfig whose server is unix:///…', async () => {
  const cfg = kc()
    .cluster('sock', { server: `unix://${join(dir, 'kube.sock')}` })
    .context('sock', { cluster: 'sock' })
    .current('sock')
    .write(join(dir, 'sock.kubeconfig'));
  for (const args of [['--kubeconfig', cfg, 'version'], ['version', '--kubeconfig', cfg]]) {
    const r = await sock(args);
    assert.is(r.stdout, `${await sockClientLines()}${serverLine}`, args.join(' '));
  }
});

test('version :: a relative unix: path in a kubeconfig resolves against its folder', async () => {
  const cfg = kc()
    .cluster('rel', { server: 'unix:kube.sock' })
    .context('rel', { cluster: 'rel' })
    .current('rel')
    .write(join(dir, 'rel.kubeconfig'));
  const r = await sock(['version', '--kubeconfig', cfg], { cwd: '/' });
  assert.is(r.stdout, `${await sockClientLines()}${serverLine}`, r.stderr);
});

test('version :: --server tcp://127.0.0.1:PORT through real kubectl proxy --port', async () => {
  const port = tcpProxy.address.split(':').pop();
  const r = await sock(['version', `--server=tcp://127.0.0.1:${port}`]);
  assert.is(r.stdout, `${await sockClientLines()}${serverLine}`, r.stderr);
});

test('version :: an https:// kubeconfig with a CA and a token', async () => {
  const before = api.requests.length;
  const r = await sock(['version', '--kubeconfig', admin]);
  assert.is(r.stdout, `${await sockClientLines()}${serverLine}`, r.stderr);
  const req = api.requests.slice(before).find((q) => q.url.startsWith('/version'));
  assert.is(req?.headers['authorization'], `Bearer ${TOKEN}`);
  assert.is(req?.url, '/version?timeout=32s');
});

test('version :: https+unix:// verifies the server with the CA and tls-server-name over a socket', async () => {
  const args = ['--server', `https+unix://${join(dir, 'fwd.sock')}`, '--certificate-authority', pki.ca.certPath, '--token', TOKEN];
  const ok = await sock([...args, 'version']);
  assert.is(ok.stdout, `${await sockClientLines()}${serverLine}`, ok.stderr);
  const wrongName = await sock([...args, '--tls-server-name', 'not-in-cert', 'version']);
  assert.is(wrongName.code, 1);
  assert.match(wrongName.stderr, /^Unable to connect to the server: tls: failed to verify certificate: x509: certificate is valid for .*, not not-in-cert\n$/);
});

test('version :: client certificate auth over TLS', async () => {
  const cfg = kc()
    .cluster('fake', { server: api.httpsUrl, 'certificate-authority': pki.ca.certPath })
    .user('alice', { 'client-certificate': pki.client.certPath, 'client-key': pki.client.keyPath })
    .context('alice', { cluster: 'fake', user: 'alice' })
    .current('alice')
    .write(join(dir, 'alice.kubeconfig'));
  const before = api.requests.length;
  const r = await sock(['version', '--kubeconfig', cfg]);
  assert.is(r.code, 0, r.stderr);
  assert.is(api.requests[before]?.clientCertSubject, pki.client.subject);
});

test('version :: exec credential plugin supplies the token', async () => {
  const plugin = join(import.meta.dirname, '..', 'fixtures', 'exec-plugin.sh');
  const output = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: TOKEN } });
  const cfg = kc()
    .cluster('fake', { server: api.httpsUrl, 'certificate-authority': pki.ca.certPath })
    .user('exec', { exec: { command: plugin, apiVersion: 'client.authentication.k8s.io/v1', interactiveMode: 'Never', env: [{ name: 'TEST_OUTPUT', value: output }] } })
    .context('exec', { cluster: 'fake', user: 'exec' })
    .current('exec')
    .write(join(dir, 'exec.kubeconfig'));
  const r = await sock(['version', '--kubeconfig', cfg]);
  assert.is(r.stdout, `${await sockClientLines()}${serverLine}`);
  assert.is(r.stderr, '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}\n');
});

test('version :: KUBECONFIG=a:b merges as kubectl does (first file wins)', async () => {
  // a names the context and a working cluster; b defines the context and a same-named broken cluster.
  const a = kc()
    .cluster('c', { server: `unix://${join(dir, 'kube.sock')}` })
    .current('ctx-x')
    .write(join(dir, 'merge', 'a'));
  const b = kc()
    .cluster('c', { server: `unix://${join(dir, 'missing.sock')}` })
    .context('ctx-x', { cluster: 'c' })
    .current('ctx-y')
    .write(join(dir, 'merge', 'b'));
  const r = await sock(['version'], { env: { KUBECONFIG: `${a}:${b}` } });
  assert.is(r.stdout, `${await sockClientLines()}${serverLine}`, r.stderr);
  const reversed = await sock(['version'], { env: { KUBECONFIG: `${b}:${a}` } });
  assert.is(reversed.code, 1, 'b:a picks current-context ctx-y, which does not exist, so localhost:8080');
  const oracle = await kubectl(['version'], { env: { KUBECONFIG: `${b}:${a}` } });
  assert.is(reversed.stderr, oracle.stderr);
});

test('plaintext :: no request over a socket or tcp:// carries Authorization, even with a token configured', async () => {
  const cfg = kc()
    .cluster('sock', { server: api.unixUrl })
    .cluster('tcp', { server: `tcp://${new URL(api.httpUrl as string).host}` })
    .user('u', { token: TOKEN, username: undefined })
    .context('sock', { cluster: 'sock', user: 'u' })
    .context('tcp', { cluster: 'tcp', user: 'u' })
    .current('sock')
    .write(join(dir, 'plain.kubeconfig'));
  const before = api.requests.length;
  for (const context of ['sock', 'tcp']) {
    const r = await sock(['version', '--kubeconfig', cfg, '--context', context, '--token', TOKEN, '-v=4']);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stderr, /not sending credentials to .*: the transport is not TLS/);
  }
  const seen = api.requests.slice(before);
  assert.is(seen.length, 2);
  for (const req of seen) {
    assert.ok(req.listener === 'unix' || req.listener === 'tcp');
    assert.is(req.headers['authorization'], undefined);
    assert.is(req.headers['host'], req.listener === 'unix' ? 'localhost' : new URL(api.httpUrl as string).host);
  }
});

test('-v=6 :: one line per request, with the socket address', async () => {
  const r = await sock(['version', '-v=6', '--server', `unix://${join(dir, 'kube.sock')}`]);
  assert.match(r.stderr, new RegExp(`^I\\d{4} [\\d:.]+ +\\d+ round_trippers.ts\\] "Response" verb="GET" url="unix://${join(dir, 'kube.sock')}/version\\?timeout=32s" status="200 OK" milliseconds=\\d+$`, 'm'));
});

test('-v=8 :: headers with Authorization masked, and the response body', async () => {
  const r = await sock(['version', '--v=8', '--kubeconfig', admin]);
  assert.is(r.code, 0);
  assert.match(r.stderr, /^\tAuthorization: Bearer <masked>$/m);
  assert.not.match(r.stderr, new RegExp(TOKEN));
  assert.match(r.stderr, /"Response Body" body=(<\n\t|")\{[\s\S]*gitVersion\\?":\s*\\?"v1.32.4-e2e/);
});

test('version -o json and -o yaml carry the server version', async () => {
  const json = await sock(['version', '-o', 'json', '--kubeconfig', admin]);
  const doc = JSON.parse(json.stdout);
  const oracle = JSON.parse((await kubectl(['version', '-o', 'json', '--kubeconfig', admin])).stdout);
  assert.equal(doc.serverVersion, oracle.serverVersion);
  const yaml = await sock(['version', '-o', 'yaml', '--kubeconfig', admin]);
  assert.match(yaml.stdout, /^serverVersion:\n {2}buildDate: ".*"\n/m);
  assert.ok(yaml.stdout.endsWith('\n\n'), 'kubectl prints YAML with Println');
});

test.run();
