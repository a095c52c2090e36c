// An exec credential plugin's bad output (issue #18, finding 4): kubectl sock
// says what was wrong in kubectl 1.33's words (real kubectl, same kubeconfig,
// same plugin output, is the oracle), and the plugin's output (a token, a key)
// never appears in the error, in -v=9 lines, or in a proxy's 500 body.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { makePki, type Pki } from '../helpers/certs.ts';
import { kc, tempDir } from '../helpers/kubeconfig-builder.ts';
import { BINARY, kubectl, sock, startBackground } from '../helpers/processes.ts';
import { startFakeApiServer } from '../helpers/fake-apiserver.ts';
import { call } from '../unit/relay/relay-harness.ts';

const SECRET = 'tok-SECRET-3f9a7c';
const V1 = 'client.authentication.k8s.io/v1';
let dir: string;
let server: string;
let pki: Pki;

test.before(async () => {
  dir = tempDir('ksock-execerr-');
  pki = await makePki(join(dir, 'pki'));
  // A port nobody listens on: both clients run the plugin before they dial.
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  server = `https://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  await new Promise((r) => srv.close(r));
});

let n = 0;
/** A kubeconfig whose exec plugin prints exactly `output`. */
function kubeconfigPrinting(output: string): string {
  const id = ++n;
  const out = join(dir, `out-${id}`);
  writeFileSync(out, output);
  const plugin = join(dir, `plugin-${id}.sh`);
  writeFileSync(plugin, `#!/bin/sh\ncat '${out}'\n`);
  chmodSync(plugin, 0o755);
  return kc()
    .cluster('c', { server, 'insecure-skip-tls-verify': true })
    .user('u', { exec: { apiVersion: V1, command: plugin, interactiveMode: 'Never' } })
    .context('c', { cluster: 'c', user: 'u' })
    .current('c')
    .write(join(dir, `kubeconfig-${id}`));
}

/** The error's own words: kubectl's last line, without the prefixes the two put around it. */
function core(stderr: string): string {
  const last = stderr.trimEnd().split('\n').at(-1) ?? '';
  return last.replace(/^(Unable to connect to the server: |error: )/, '').replace(/^getting credentials: /, '');
}

const cred = (status: Record<string, unknown>, apiVersion = V1) => JSON.stringify({ apiVersion, kind: 'ExecCredential', status });

const CASES: Array<[name: string, output: () => string]> = [
  ['a bare token', () => SECRET],
  ['a bare token and a newline', () => `${SECRET}\n`],
  ['nothing', () => ''],
  ['a JSON string', () => JSON.stringify(SECRET)],
  ['a JSON array', () => JSON.stringify([SECRET])],
  ['a number', () => '12345'],
  ['true', () => 'true'],
  ['JSON cut short', () => cred({ token: SECRET }).slice(0, -3)],
  ['JSON, then more text', () => `${cred({ token: 'x' })} ${SECRET}`],
  ['a raw newline inside a string', () => cred({ token: `${SECRET}\nmore` })],
  ['a bad escape', () => `{"apiVersion":"${V1}","status":{"token":"\\q${SECRET}"}}`],
  ['a bad literal', () => `{"apiVersion":nul${SECRET}}`],
  ['no status', () => JSON.stringify({ apiVersion: V1, kind: 'ExecCredential' })],
  ['an empty status', () => cred({})],
  ['the wrong (registered) apiVersion', () => cred({ token: SECRET }, 'client.authentication.k8s.io/v1beta1')],
  ['an unregistered apiVersion', () => cred({ token: SECRET }, 'client.authentication.k8s.io/v2')],
  ['a core apiVersion', () => cred({ token: SECRET }, 'v1')],
  ['no apiVersion', () => JSON.stringify({ kind: 'ExecCredential', status: { token: SECRET } })],
  ['another kind', () => JSON.stringify({ apiVersion: V1, kind: 'Secret', status: { token: SECRET } })],
  ['apiVersion as a number', () => JSON.stringify({ apiVersion: 1, status: { token: SECRET } })],
  ['the token as a number', () => cred({ token: 12345 })],
  ['status as a string', () => JSON.stringify({ apiVersion: V1, kind: 'ExecCredential', status: SECRET })],
  ['expirationTimestamp as a number', () => cred({ token: SECRET, expirationTimestamp: 5 })],
  ['a certificate without a key', () => cred({ clientCertificateData: SECRET })],
  ['certificate and key that are not PEM', () => cred({ clientCertificateData: SECRET, clientKeyData: SECRET })],
  ['a key that does not match the certificate', () => cred({ clientCertificateData: pki.client.cert, clientKeyData: pki.server.key })],
  ['YAML without a status', () => `apiVersion: ${V1}\nkind: ExecCredential\n`],
];

for (const [name, output] of CASES) {
  test(`exec plugin printing ${name} :: kubectl's words, and nothing of the output`, async () => {
    const kubeconfig = kubeconfigPrinting(output());
    const [theirs, ours, verbose] = await Promise.all([
      kubectl(['--kubeconfig', kubeconfig, 'get', 'pods']),
      sock(['--kubeconfig', kubeconfig, 'get', 'pods']),
      sock(['--kubeconfig', kubeconfig, 'get', 'pods', '-v=9']),
    ]);
    assert.is(core(ours.stderr), core(theirs.stderr), `kubectl: ${theirs.stderr.trimEnd().split('\n').at(-1)}\nours:    ${ours.stderr}`);
    assert.is(ours.code, 1);
    assert.is(ours.stderr.split('\n').filter(Boolean).length, 1, ours.stderr);
    for (const [what, text] of [['stderr', ours.stderr], ['-v=9 output', verbose.stderr + verbose.stdout]] as const) {
      assert.not.ok(text.includes(SECRET) || text.includes('SECRET'), `${what} quotes the plugin's output: ${text}`);
      assert.not.ok(text.includes('PRIVATE KEY') || text.includes(pki.server.key.split('\n')[1] as string), `${what} quotes the key`);
    }
  });
}

test('exec plugin printing a malformed expirationTimestamp :: kubectl\'s sentence, with the plugin\'s text elided', async () => {
  const kubeconfig = kubeconfigPrinting(cred({ token: 'x', expirationTimestamp: SECRET }));
  const theirs = await kubectl(['--kubeconfig', kubeconfig, 'get', 'pods']);
  const ours = await sock(['--kubeconfig', kubeconfig, 'get', 'pods']);
  // kubectl quotes the value (parsing time "tok-…" as "2006-…": cannot parse "tok-…" as "2006").
  assert.is(core(ours.stderr), core(theirs.stderr).replaceAll(`"${SECRET}"`, '"…"'));
  assert.not.ok(ours.stderr.includes('SECRET'), ours.stderr);
});

test('kubectl sock proxy :: a plugin that prints a bare token on its second run (after a 401): the 500 body and the log say what was wrong, not the token', async () => {
  const api = await startFakeApiServer({ tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert }, token: 'the-right-token' });
  try {
    const count = join(dir, 'runs');
    const plugin = join(dir, 'second-run-breaks.sh');
    // First run: a credential the server refuses (401), so the proxy runs the plugin again; then the bare token.
    writeFileSync(plugin, `#!/bin/sh\necho run >> '${count}'\nif [ "$(wc -l < '${count}')" -eq 1 ]; then printf '%s' '${cred({ token: 'refused-token' })}'; else printf '%s' '${SECRET}'; fi\n`);
    chmodSync(plugin, 0o755);
    const kubeconfig = kc()
      .cluster('c', { server: api.httpsUrl, 'certificate-authority': pki.ca.certPath })
      .user('u', { exec: { apiVersion: V1, command: plugin, interactiveMode: 'Never' } })
      .context('c', { cluster: 'c', user: 'u' })
      .current('c')
      .write(join(dir, 'proxy.kubeconfig'));
    const socketPath = join(dir, 'proxy.sock');
    const proxy = await startBackground(BINARY, ['proxy', '--kubeconfig', kubeconfig, `--unix-socket=${socketPath}`, '-v=9'], /^Starting to serve on /);
    try {
      const answer = await call(socketPath, 'GET', '/api/v1/namespaces/default/pods');
      assert.is(answer.status, 500);
      assert.is(answer.body, "decoding stdout: couldn't get version/kind; json parse error: json: cannot unmarshal string into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }\n");
    } finally {
      await proxy.stop();
    }
    assert.not.ok(proxy.output().includes('SECRET'), proxy.output());
    assert.match(proxy.output(), /Error while proxying request: decoding stdout: /);
  } finally {
    await api.close();
  }
});

test.run();
