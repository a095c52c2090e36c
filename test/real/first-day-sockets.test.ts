// Issue #19 items 3, 5, 8, 10, 12 and 13 against a REAL kube-apiserver: the
// server URL's path prefix through the passthrough (kubectl proxy --api-prefix),
// one wording for a server that cannot be reached, a socket path too long for
// sun_path, flags before the verb, tcp:// with a user and unix://host/path,
// kubectl proxy's --www/--www-prefix compared byte for byte, and the PowerShell
// completion script compared with kubectl's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { BINARY, KUBECTL, kubectl, sock, sockClientLines, startBackground, type Background } from '../helpers/processes.ts';
import { clientVersionsAlike, same } from './first-day-fixture.ts';

let cp: ControlPlane;
let dir: string;
const running: Background[] = [];

test.before(async () => {
  cp = await startControlPlane();
  dir = tempDir('ksock-19-sock-');
});

test.after(async () => {
  for (const b of running) await b.stop();
  await cp?.stop();
});

/** A proxy started in the background; its "Starting to serve on ADDRESS" address. */
async function serving(cmd: string, args: string[]): Promise<string> {
  const b = await startBackground(cmd, args, /^Starting to serve on /);
  running.push(b);
  return b.line.replace('Starting to serve on ', '').trim();
}

test('item 3 :: passed-through verbs keep the server URL\'s path prefix (kubectl proxy --api-prefix=/k8s/)', async () => {
  const address = await serving(KUBECTL, ['proxy', '--kubeconfig', cp.kubeconfig, '--port=0', '--api-prefix=/k8s/']);
  const server = ['--server', `http://${address}/k8s`];
  for (const args of [['describe', 'ns', 'default'], ['api-resources', '--api-group=apps'], ['auth', 'whoami'], ['get', 'ns', 'default'], ['logs', 'nosuch'], ['version']]) {
    await same(args, { sockArgs: server, kubectlArgs: server, prep: clientVersionsAlike });
  }
  // kubectl's own get, through the relay (`kubectl sock -- get`), beside kubectl get.
  const [ours, theirs] = await Promise.all([sock([...server, '--', 'get', 'ns', 'kube-public', '-o', 'name'], { env: { KUBECTL_SOCK_KUBECTL: KUBECTL } }), kubectl([...server, 'get', 'ns', 'kube-public', '-o', 'name'])]);
  assert.equal([ours.stdout, ours.stderr, ours.code], [theirs.stdout, theirs.stderr, theirs.code]);
});

const UNREACHABLE: string[][] = [['get', 'pods'], ['logs', 'x'], ['describe', 'pods'], ['api-versions'], ['explain', 'pods'], ['delete', 'pod', 'x'], ['auth', 'whoami'], ['--', 'get', 'pods']];

test('item 5 :: a socket that is not there: one line, with what to do, for native and passed-through verbs alike', async () => {
  const path = join(dir, 'nothing-here.sock');
  const line = `Unable to connect to the server: dial unix ${path}: connect: no such file or directory (is the proxy running? start one with: kubectl proxy --unix-socket=${path})\n`;
  for (const args of [...UNREACHABLE, ['version']]) {
    const r = await sock(['--server', `unix://${path}`, ...args], { env: { KUBECTL_SOCK_KUBECTL: KUBECTL } });
    assert.is(r.stderr, line, `stderr of ${args.join(' ')}`);
    assert.is(r.code, 1);
    assert.is(r.stdout, args[0] === 'version' ? await sockClientLines({ KUBECTL_SOCK_KUBECTL: KUBECTL }) : '', `stdout of ${args.join(' ')}`);
  }
});

test('item 5 :: a TCP server that refuses: kubectl\'s own words, E lines and all, for native and passed-through verbs', async () => {
  for (const args of UNREACHABLE.filter((a) => a[0] !== '--')) await same(args, { sockArgs: ['--server', 'http://127.0.0.1:1'], kubectlArgs: ['--server', 'http://127.0.0.1:1'] });
});

test('item 8 :: a socket path longer than sun_path: what is wrong and how to fix it; proxy refuses it before anything else', async () => {
  const folder = join(dir, 'x'.repeat(110));
  mkdirSync(folder, { recursive: true });
  const path = join(folder, 'kube.sock');
  const bytes = Buffer.byteLength(path);
  const r = await sock(['--server', `unix://${path}`, 'get', 'pods']);
  const fix = `the socket path is ${bytes} bytes long, and a unix socket address holds at most 107: use a shorter path, or a symbolic link to the socket's folder (ln -s ${folder} /tmp/k, then /tmp/k/kube.sock)`;
  assert.is(r.stderr, `Unable to connect to the server: dial unix ${path}: connect: invalid argument (${fix})\n`);
  assert.is(r.code, 1);
  // Before the kubeconfig is read (this one does not exist): kubectl proxy says only "bind: invalid argument", at bind.
  const p = await sock(['proxy', `--unix-socket=${path}`, '--kubeconfig', join(dir, 'missing.kubeconfig')]);
  assert.is(p.stderr, `error: listen unix ${path}: bind: invalid argument (${fix})\n`);
  assert.is(p.code, 1);
});

test('item 10 :: flags kubectl refuses before the verb are refused the same way; the ones it places are accepted', async () => {
  const cases = [
    ['-A', 'get', 'pods'], ['--insecure-skip-tls-verify-backend', 'logs', 'x'], ['--kubeconfig', cp.kubeconfig, '-A', 'get', 'pods'],
    ['--kubeconfig', cp.kubeconfig, 'nosuch'], ['--server', 'http://127.0.0.1:1', 'help', 'describe'], ['--kubeconfig', cp.kubeconfig, '-o', 'name', 'get', 'ns', 'default'],
    ['--kubeconfig', cp.kubeconfig, '--all-namespaces=true', 'get', 'ns', '-o', 'name'], ['nosuch-verb'], ['help', 'describe'],
  ];
  for (const args of cases) {
    const [ours, theirs] = await Promise.all([sock(args, { env: { KUBECTL_SOCK_KUBECTL: KUBECTL } }), kubectl(args)]);
    assert.is(ours.stdout, theirs.stdout, `stdout of ${args.join(' ')}`);
    assert.is(ours.stderr, theirs.stderr, `stderr of ${args.join(' ')}`);
    assert.is(ours.code, theirs.code, `exit code of ${args.join(' ')}`);
  }
});

test('item 12 :: tcp://user:pw@host is refused, the password masked; unix://localhost/path names ./localhost/path', async () => {
  const r = await sock(['--server', 'tcp://ada:secret@127.0.0.1:8001', 'get', 'pods']);
  assert.is(r.stderr, 'error: unsupported server address "tcp://ada:xxxxx@127.0.0.1:8001": a tcp:// address takes no user name or password (kubectl sock never sends credentials over plain HTTP); write tcp://127.0.0.1:8001\n');
  assert.is(r.code, 1);
  const u = await sock(['--server', 'unix://localhost/tmp/x.sock', 'get', 'pods'], { cwd: dir });
  const resolved = join(dir, 'localhost/tmp/x.sock');
  assert.is(u.stderr, `Unable to connect to the server: dial unix ${resolved}: connect: no such file or directory (unix://localhost/tmp/x.sock names the relative path ./localhost/tmp/x.sock, as docker reads it; for the absolute path /tmp/x.sock, write unix:///tmp/x.sock)\n`);
});

/** One raw answer: status line, headers but Date and the API server's per-request Audit-Id, body. */
function fetchRaw(address: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<string> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = request({ host, port: Number(port), path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const head = res.rawHeaders.flatMap((v, i) => (i % 2 === 0 && v !== 'Date' && v !== 'Audit-Id' ? [`${v}: ${res.rawHeaders[i + 1]}`] : []));
        resolve(`${res.statusCode} ${res.statusMessage}\n${head.join('\n')}\n\n${Buffer.concat(chunks).toString('latin1')}`);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

test('item 13 :: proxy --www and --www-prefix serve static files as kubectl proxy does, byte for byte', async () => {
  const www = join(dir, 'www');
  mkdirSync(join(www, 'sub'), { recursive: true });
  const files: Record<string, string> = { 'index.html': '<h1>hi</h1>\n', 'style.css': 'body{}\n', 'app.js': 'x=1\n', 'data.json': '{"a":1}\n', 'notes.txt': 'plain words\n', README: 'no extension\n', 'sub/a.txt': 'in sub\n', 'sub/we ird#.md': '#x\n' };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(www, name), text);
  for (const prefix of ['/static/', '/files']) {
    const args = ['proxy', '--kubeconfig', cp.kubeconfig, '--port=0', `--www=${www}`, ...(prefix === '/static/' ? [] : [`--www-prefix=${prefix}`])];
    const [theirs, ours] = [await serving(KUBECTL, args), await serving(BINARY, args)];
    const p = prefix.endsWith('/') ? prefix : `${prefix}/`;
    const paths = ['', 'sub', 'sub/', 'notes.txt', 'README', 'missing', 'index.html', 'sub/we%20ird%23.md', 'x/../notes.txt', 'notes.txt?a=1', 'data.json', 'app.js'];
    for (const path of [...paths.map((x) => p + x), p.slice(0, -1), '/api/v1/namespaces/default']) {
      assert.is(await fetchRaw(ours, path), await fetchRaw(theirs, path), `GET ${path}`);
    }
    const conditions: Record<string, string>[] = [{ range: 'bytes=0-3' }, { range: 'bytes=-4' }, { range: 'bytes=50-' }, { 'if-modified-since': 'Tue, 01 Jan 2999 00:00:00 GMT' }];
    for (const h of conditions) {
      assert.is(await fetchRaw(ours, `${p}notes.txt`, h), await fetchRaw(theirs, `${p}notes.txt`, h), `GET ${p}notes.txt ${JSON.stringify(h)}`);
    }
    assert.is(await fetchRaw(ours, `${p}style.css`, {}, 'HEAD'), await fetchRaw(theirs, `${p}style.css`, {}, 'HEAD'), 'HEAD');
  }
});

test('item 13 :: completion powershell: cobra\'s script, as kubectl 1.33 writes it, for kubectl-sock', async () => {
  const [ours, theirs] = await Promise.all([sock(['completion', 'powershell']), kubectl(['completion', 'powershell'])]);
  assert.is(ours.code, 0);
  // kubectl's own copy starts with the Kubernetes licence header; the script follows it.
  const script = theirs.stdout.slice(theirs.stdout.indexOf('# powershell completion for kubectl'));
  const asKubectl = ours.stdout.replaceAll('kubectl-sock', 'kubectl').replaceAll('kubectl_sock', 'kubectl').replace('KUBECTL_SOCK_ACTIVE_HELP', 'KUBECTL_ACTIVE_HELP')
    .replace(/^# powershell completion for kubectl +/, `# powershell completion for ${'kubectl'.padEnd(36)} `);
  assert.is(asKubectl, script);
  assert.match(ours.stdout, /Register-ArgumentCompleter -CommandName 'kubectl-sock' -ScriptBlock \$\{__kubectl_sockCompleterBlock\}/);
});

test.run();
