// Shell completion end to end: the built binary's `__complete` against the
// fake API server over a unix socket, compared with real kubectl's
// `__complete` for the same commands over HTTP; kubectl 1.33 completing
// `kubectl sock …` through kubectl_complete-sock; and the bash, zsh and fish
// scripts of `kubectl-sock completion`, run in those shells.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startFakeApiServer, type FakeApiServer, type K8sObject } from '../helpers/fake-apiserver.ts';
import { kc, tempDir } from '../helpers/kubeconfig-builder.ts';
import { BINARY, KUBECTL, ROOT, kubectl, run, sock, type RunResult } from '../helpers/processes.ts';
import { ensureCommand, ensureFile } from '../helpers/system-packages.ts';

const dir = tempDir('ksock-completion-');
const home = join(dir, 'home');
let api: FakeApiServer;
let sockServer: string;
let kubectlServer: string;

function pod(namespace: string, name: string, labels: Record<string, string>, containers: string[], init: string[] = []): K8sObject {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels },
    spec: { nodeName: 'node-a', initContainers: init.map((n) => ({ name: n, image: 'i' })), containers: containers.map((n) => ({ name: n, image: 'i' })) },
    status: { phase: 'Running' },
  };
}

test.before(async () => {
  mkdirSync(home, { recursive: true });
  api = await startFakeApiServer({ unixSocket: join(dir, 'api.sock'), tcp: true });
  sockServer = api.unixUrl as string;
  kubectlServer = api.httpUrl as string;
  api.addObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } });
  api.addObject({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' }, spec: {}, status: {} });
  api.addObject(pod('default', 'web-7d4b9c-q8w4e', { app: 'web' }, ['nginx'], ['setup']));
  api.addObject(pod('default', 'web-7d4b9c-x2x9k', { app: 'web' }, ['nginx'], ['setup']));
  api.addObject(pod('default', 'api-5f6d7-m2n3b', { app: 'api' }, ['api', 'sidecar']));
  api.addObject(pod('kube-system', 'coredns-6f6b679f8f-abcde', { k8s: 'dns' }, ['coredns']));
  api.addObject({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'i' }] } } },
  });
  api.addObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
});

test.after(async () => {
  await api?.close();
});

const opts = () => ({ env: { HOME: home } });

/** The last stderr line: cobra's "Completion ended with directive: …". */
const lastLine = (r: RunResult) => r.stderr.trimEnd().split('\n').pop();

/** Equivalent commands: kubectl sock's answer must be kubectl's, candidate for candidate, and the same directive. */
const parityCases: string[][] = [
  ['g'],
  ['lo'],
  ['get', ''],
  ['get', 'd'],
  ['get', 'pods,se'],
  ['get', 'po', ''],
  ['get', 'pods', 'w'],
  ['get', 'pods', 'web-7d4b9c-q8w4e', ''],
  ['get', 'pod/'],
  ['get', 'deployments.apps/'],
  ['get', 'po,svc', ''],
  ['get', 'no', ''],
  ['get', 'nosuch', ''],
  ['get', 'pod/web-7d4b9c-q8w4e', 'se'],
  ['get', '-o', ''],
  ['get', '-o=j'],
  ['get', '-oj'],
  ['get', '--output', 'y'],
  ['get', '--subresource', ''],
  ['get', '--raw', ''],
  ['get', '--sort-by', ''],
  ['get', 'pods', '-n', ''],
  ['get', 'pods', '--namespace=k'],
  ['-n', 'kube-system', 'get', 'pods', ''],
  ['get', '-n', 'kube-system', 'pods', 'co'],
  ['get', 'pods', '-A', ''],
  ['get', '-o', 'yaml', ''],
  ['get', 'pods', '--', ''],
  ['get', '-h', ''],
  ['get', 'pods', '--bogus', ''],
  ['logs', ''],
  ['logs', 'w'],
  ['logs', 'zz'],
  ['logs', 'po/'],
  ['logs', 'deployments/'],
  ['logs', 'web-7d4b9c-q8w4e', ''],
  ['logs', 'api-5f6d7-m2n3b', 's'],
  ['logs', 'deployments/web', ''],
  ['logs', 'pods/api-5f6d7-m2n3b', ''],
  ['logs', 'web-7d4b9c-q8w4e', 'nginx', ''],
  ['logs', '-l', 'app=web', ''],
  ['logs', 'web-7d4b9c-q8w4e', '-c', ''],
  ['logs', '--insecure-skip-tls-verify-backend', 'a'],
  ['logs', '-f', '-p', 'w'],
  ['version', ''],
  ['proxy', ''],
  ['help', 'g'],
];

for (const words of parityCases) {
  test(`kubectl parity :: __complete ${words.map((w) => (w === '' ? "''" : w)).join(' ')}`, async () => {
    const [ours, theirs] = await Promise.all([
      sock(['__complete', '--server', sockServer, ...words], opts()),
      kubectl(['__complete', '--server', kubectlServer, ...words], opts()),
    ]);
    assert.is(ours.stdout, theirs.stdout, 'candidates and directive');
    assert.is(lastLine(ours), lastLine(theirs));
    assert.is(ours.code, 0);
    assert.is(theirs.code, 0);
  });
}

test('kubectl parity :: with the server down, the same answer (types that own pods, no names)', async () => {
  for (const words of [['get', 'pods', ''], ['logs', ''], ['get', ''], ['get', '-n', '']]) {
    const [ours, theirs] = await Promise.all([
      sock(['__complete', '--server', `unix://${join(dir, 'gone.sock')}`, ...words], opts()),
      kubectl(['__complete', '--server', 'http://127.0.0.1:9', ...words], opts()),
    ]);
    assert.is(ours.stdout, theirs.stdout, words.join(' '));
  }
});

test('__complete :: names are read over the unix socket', async () => {
  const before = api.requests.length;
  const r = await sock(['__complete', '--server', sockServer, '-n', 'kube-system', 'get', 'pods', ''], opts());
  assert.is(r.stdout, 'coredns-6f6b679f8f-abcde\n:4\n');
  assert.is(r.stderr, 'Completion ended with directive: ShellCompDirectiveNoFileComp\n');
  const lists = api.requests.slice(before).filter((q) => q.url.startsWith('/api/v1/namespaces/kube-system/pods?'));
  assert.is(lists.length, 1);
  assert.is(lists[0]?.listener, 'unix');
});

test('__complete :: a server error prints only the directive, and no stack trace', async () => {
  const body = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'etcd is down', reason: 'InternalError', code: 500 };
  api.faults.push({ kind: 'status', code: 500, body, times: 1, match: (q) => q.url.startsWith('/api/v1/namespaces/default/pods?') });
  const failed = await sock(['__complete', '--server', sockServer, 'get', 'pods', ''], opts());
  assert.is(failed.stdout, ':4\n');
  assert.is(failed.stderr, 'Completion ended with directive: ShellCompDirectiveNoFileComp\n');
  api.faults.push({ kind: 'garbage', times: 1, match: (q) => q.url.startsWith('/api/v1/namespaces/default/pods?') });
  const garbage = await sock(['__complete', '--server', sockServer, 'get', 'pods', ''], opts());
  assert.is(garbage.stdout, ':4\n');
  assert.is(garbage.code, 0);
  const gone = await sock(['__complete', '--server', `unix://${join(dir, 'gone.sock')}`, 'logs', 'web', ''], opts());
  assert.is(gone.stdout, ':4\n');
  assert.not.match(gone.stderr, /\bat .*\.(ts|js|cjs):\d+/);
});

test('__complete :: --context, --cluster and --user from the --kubeconfig on the line', async () => {
  const file = kc()
    .cluster('local', { server: sockServer }).cluster('remote', { server: 'https://192.0.2.1' })
    .user('admin', {}).context('dev', { cluster: 'local', user: 'admin' }).context('prod', { cluster: 'remote' })
    .current('dev').write(join(dir, 'kc', 'config'));
  const ask = (...words: string[]) => sock(['__complete', '--kubeconfig', file, ...words], opts());
  assert.is((await ask('get', '--context', '')).stdout, 'dev\nprod\n:4\n');
  assert.is((await ask('get', '--cluster=r')).stdout, 'remote\n:4\n');
  assert.is((await ask('logs', '--user', '')).stdout, 'admin\n:4\n');
  // The current context's server is the unix socket: names come from there.
  assert.is((await ask('get', 'no', '')).stdout, 'node-a\n:4\n');
  // --context on the line picks the server: the current context's socket is dead.
  const two = kc()
    .cluster('dead', { server: `unix://${join(dir, 'dead.sock')}` }).cluster('live', { server: sockServer })
    .context('gone', { cluster: 'dead' }).context('ok', { cluster: 'live', namespace: 'kube-system' })
    .current('gone').write(join(dir, 'kc2', 'config'));
  assert.is((await sock(['__complete', '--kubeconfig', two, 'get', 'pods', ''], opts())).stdout, ':4\n');
  assert.is((await sock(['__complete', '--kubeconfig', two, '--context', 'ok', 'get', 'pods', ''], opts())).stdout, 'coredns-6f6b679f8f-abcde\n:4\n');
  const viaEnv = await sock(['__complete', 'get', '--context', 'p'], { env: { HOME: home, KUBECONFIG: file } });
  assert.is(viaEnv.stdout, 'prod\n:4\n');
});

test('__completeNoDesc :: the same candidates without descriptions', async () => {
  const r = await sock(['__completeNoDesc', 'ver'], opts());
  assert.is(r.stdout, 'version\n:4\n');
  const d = await sock(['__complete', 'ver'], opts());
  assert.is(d.stdout, 'version\tPrint the client and server version information\n:4\n');
});

test('__complete :: a kubectl verb is completed by kubectl itself, through the relay to the socket', async () => {
  const r = await sock(['__complete', '--server', sockServer, 'describe', 'pods', 'api'], opts());
  assert.is(r.stdout, 'api-5f6d7-m2n3b\n:4\n');
  assert.is(r.code, 0);
});

/** A PATH on which kubectl finds kubectl-sock (dist/) and kubectl_complete-sock (plugin/). */
function pluginPath(): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  try {
    symlinkSync(KUBECTL, join(bin, 'kubectl'));
  } catch {
    // already linked by an earlier test
  }
  return [bin, dirname(BINARY), join(ROOT, 'plugin'), '/usr/bin', '/bin'].join(':');
}

test('kubectl 1.33 :: `kubectl __complete sock …` passes kubectl_complete-sock\'s candidates through', async () => {
  const env = { HOME: home, PATH: pluginPath() };
  for (const words of [['get', 'pods', ''], ['logs', 'zz'], ['get', 'pods', '-n', 'k'], ['']]) {
    const direct = await sock(['__complete', '--server', sockServer, ...words], opts());
    const through = await run(join(dir, 'bin', 'kubectl'), ['__complete', 'sock', '--server', sockServer, ...words], { env });
    assert.is(through.stdout, direct.stdout, words.join(' '));
    assert.is(through.code, 0);
  }
  const top = await run(join(dir, 'bin', 'kubectl'), ['__complete', 'so'], { env });
  assert.match(top.stdout, /^sock\tThe command sock is a plugin installed by the user$/m);
});

test('completion :: no shell, two shells, an unknown shell: kubectl completion\'s errors', async () => {
  for (const args of [[], ['bash', 'zsh'], ['foo']]) {
    const [ours, theirs] = await Promise.all([sock(['completion', ...args], opts()), kubectl(['completion', ...args], opts())]);
    const expected = theirs.stderr.split('\n')[0] + '\n';
    assert.is(ours.stderr, `${expected}See 'kubectl sock completion -h' for help and examples\n`, args.join(' '));
    assert.is(ours.stdout, '');
    assert.is(ours.code, 1);
  }
  const help = await sock(['completion', '--help'], opts());
  assert.match(help.stdout, /^Usage:\n {2}kubectl sock completion SHELL \[options\]$/m);
});

/** Splits a command line into COMP_WORDS as bash does: spaces, and "=" and ":" (COMP_WORDBREAKS) as words of their own. */
function bashWords(line: string): string[] {
  const words = line.split(' ').flatMap((w) => (w === '' ? [''] : (w.match(/[=:]+|[^=:]+/g) ?? [])));
  return words;
}

/** bash-completion's loader: with it, the script reads words through _get_comp_words_by_ref. */
const BASH_COMPLETION = '/usr/share/bash-completion/bash_completion';

/**
 * Sources `kubectl-sock completion bash` (after bash-completion when asked),
 * completes `line` with the cursor at its end, prints COMPREPLY one per line.
 */
async function bashComplete(line: string, script: string, withBashCompletion: boolean): Promise<string[]> {
  const prelude = withBashCompletion ? `source ${BASH_COMPLETION}` : ':';
  const driver = `${prelude}
source "$1"; COMP_LINE=$2; shift 2
COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); COMP_POINT=\${#COMP_LINE}
__start_kubectl_sock
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = await run('bash', ['--norc', '--noprofile', '-c', driver, 'bash', script, line, ...bashWords(line)], {
    env: { HOME: home, COLUMNS: '80', PATH: `${dirname(BINARY)}:/usr/bin:/bin` },
  });
  assert.is(r.stderr, '', `bash stderr for ${line}`);
  return r.stdout.split('\n').slice(0, -1).filter((l, i, all) => !(all.length === 1 && l === ''));
}

function writeScript(shell: string, text: string): string {
  const path = join(dir, `completion.${shell}`);
  writeFileSync(path, text);
  return path;
}

for (const withBashCompletion of [false, true]) {
  const what = withBashCompletion ? 'with bash-completion loaded' : 'without bash-completion';
  test(`bash (${what}) :: names over the socket, flag values, words cut at "=" and ":" as bash does`, async () => {
    if (withBashCompletion) ensureFile(BASH_COMPLETION, 'bash-completion');
    const script = (await sock(['completion', 'bash'], opts())).stdout;
    assert.match(script, /complete -o default -F __start_kubectl_sock kubectl-sock/);
    const path = writeScript('bash', script);
    const complete = (line: string) => bashComplete(line, path, withBashCompletion);
    const s = `--server ${sockServer}`;
    assert.equal(await complete(`kubectl-sock ${s} get pods `), ['api-5f6d7-m2n3b', 'web-7d4b9c-q8w4e', 'web-7d4b9c-x2x9k']);
    assert.equal(await complete(`kubectl-sock ${s} get pods web-7d4b9c-q`), ['web-7d4b9c-q8w4e']);
    assert.equal(await complete(`kubectl-sock --server=${sockServer} get pods -n=k`), ['kube-system']);
    assert.equal(await complete(`kubectl-sock --server=${sockServer} get pods --namespace=`), ['default', 'kube-system', 'prod']);
    assert.equal(await complete(`kubectl-sock ${s} logs web-7d4b9c-x2x9k `), ['setup', 'nginx']);
    // A single candidate loses its description; several show it, aligned.
    assert.equal(await complete('kubectl-sock ver'), ['version']);
    assert.equal(await complete('kubectl-sock get --sh'), [
      '--show-kind            (If present, list the resource type for the requested o…)',
      '--show-labels          (When printing, show all labels as the last column (def…)',
      '--show-managed-fields  (If true, keep the managedFields when printing objects …)',
    ]);
    assert.equal(await complete(`kubectl-sock ${s} get pods zzz`), []);
  });
}

test('zsh :: the script hands the candidates to _describe (stubbed), with the flag prefix and no-space options', async () => {
  const zsh = ensureCommand('zsh', 'zsh');
  const script = (await sock(['completion', 'zsh'], opts())).stdout;
  assert.match(script, /^#compdef kubectl-sock\ncompdef _kubectl_sock kubectl-sock\n/);
  const path = writeScript('zsh', script);
  const driver = `compdef() { : }
_describe() { print -r -- "describe $*"; local name=$2; print -rl -- "\${(@P)name}"; (( \${#\${(P)name}} > 0 )) }
_files() { print -r -- "files $*" }
source "$1"; shift
words=("$@"); CURRENT=$#words
_kubectl_sock; print -r -- "rc=$?"`;
  const complete = async (...words: string[]) => {
    const r = await run(zsh, ['-f', '-c', driver, 'zsh', path, ...words], { env: { HOME: home, PATH: `${dirname(BINARY)}:/usr/bin:/bin` } });
    assert.is(r.stderr, '');
    return r.stdout;
  };
  assert.is(await complete('kubectl-sock', '--server', sockServer, 'get', 'pods', ''), 'describe kubectl-sock completions\napi-5f6d7-m2n3b\nweb-7d4b9c-q8w4e\nweb-7d4b9c-x2x9k\nrc=0\n');
  assert.is(await complete('kubectl-sock', 'ver'), 'describe kubectl-sock completions\nversion:Print the client and server version information\nrc=0\n');
  assert.is(await complete('kubectl-sock', '--server', sockServer, 'get', 'pods', '--namespace=k'), 'describe kubectl-sock completions -P --namespace=\nkube-system\nrc=0\n');
  assert.is(await complete('kubectl-sock', '--server', sockServer, 'logs', 'zz'), 'describe kubectl-sock completions -S \n\nrc=1\n');
  assert.is(await complete('kubectl-sock', 'get', '--raw', ''), 'describe kubectl-sock completions\n\nfiles \nrc=0\n');
});

test('fish :: `complete -C` lists what the script asks kubectl-sock for', async () => {
  const fish = ensureCommand('fish', 'fish');
  const script = (await sock(['completion', 'fish'], opts())).stdout;
  const path = writeScript('fish', script);
  const complete = async (line: string) => {
    const r = await run(fish, ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', path, line], { env: { HOME: home, PATH: `${dirname(BINARY)}:/usr/bin:/bin` } });
    assert.is(r.stderr, '');
    return r.stdout;
  };
  assert.is(await complete(`kubectl-sock --server ${sockServer} get pods `), 'api-5f6d7-m2n3b\nweb-7d4b9c-q8w4e\nweb-7d4b9c-x2x9k\n');
  assert.is(await complete(`kubectl-sock --server ${sockServer} get pods --namespace=k`), '--namespace=kube-system\n');
  assert.is(await complete('kubectl-sock vers'), 'version\tPrint the client and server version information\n');
  assert.is(await complete(`kubectl-sock --server ${sockServer} logs deployments/`), 'deployments/web\n');
  // NoFileComp with nothing to offer: no file names either.
  assert.is(await complete(`kubectl-sock --server ${sockServer} get pods zzz`), '');
  // The default directive: fish completes files.
  assert.match(await complete(`kubectl-sock get --raw ${dir}/completion.f`), /completion\.fish/);
});

test.run();
