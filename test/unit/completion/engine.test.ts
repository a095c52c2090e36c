// The completion engine (cobra's getCompletions with kubectl's completion
// functions) over in-memory sources: which candidates, in which order, with
// which directive, and which flags chose the sources.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FlagValue } from '../../../plugin/cli/flags.ts';
import { globalFlags } from '../../../plugin/cli/global-flags.ts';
import { nativeCommands } from '../../../plugin/commands/index.ts';
import { Directive, type Completion } from '../../../plugin/completion/directive.ts';
import { complete, type Delegation } from '../../../plugin/completion/engine.ts';
import type { CompletionSources } from '../../../plugin/completion/model.ts';
import { programModel } from '../../../plugin/completion/program.ts';

const program = programModel(nativeCommands(), globalFlags('/home/u'));

/** A cluster in memory: names by canonical type, containers by pod argument. */
const NAMES: Record<string, string[]> = {
  pod: ['api-1', 'web-1', 'web-2'],
  pods: ['api-1', 'web-1', 'web-2'],
  po: ['api-1', 'web-1', 'web-2'],
  svc: ['web'],
  namespace: ['default', 'kube-system', 'prod'],
  deployments: ['web'],
};

interface Recorded {
  flags: ReadonlyMap<string, FlagValue>[];
  calls: string[];
}

function sources(rec: Recorded, opts: { names?: Record<string, string[]>; down?: boolean } = {}) {
  const names = opts.names ?? NAMES;
  return (flags: ReadonlyMap<string, FlagValue>): CompletionSources => {
    rec.flags.push(flags);
    const call = <T>(what: string, value: T): Promise<T> => {
      rec.calls.push(what);
      return Promise.resolve(value);
    };
    return {
      resourceNames: (type) => call(`names ${type}`, opts.down ? [] : type.split(',').flatMap((t) => names[t] ?? [])),
      resourceTypes: () => call('types', opts.down ? [] : ['configmaps', 'pods', 'secrets', 'services', 'deployments.apps']),
      containers: (pod) => call(`containers ${pod}`, opts.down ? [] : pod.includes('web') ? ['init', 'nginx'] : ['api', 'sidecar']),
      contexts: () => call('contexts', ['dev', 'prod', 'prod-eu']),
      clusters: () => call('clusters', ['c1', 'c2']),
      users: () => call('users', ['admin', 'alice']),
    };
  };
}

async function run(words: string[], opts: { names?: Record<string, string[]>; down?: boolean } = {}): Promise<Completion & Recorded> {
  const rec: Recorded = { flags: [], calls: [] };
  const r = await complete(program, words.slice(0, -1), words[words.length - 1] as string, sources(rec, opts));
  if ('delegate' in r) throw new Error(`delegated: ${JSON.stringify(r)}`);
  return { ...r, ...rec };
}

const values = (c: Completion) => c.candidates.map((x) => x.split('\t')[0]);

test('subcommands :: native commands, help, options and kubectl verbs, sorted, with descriptions', async () => {
  const r = await run(['']);
  assert.is(r.directive, Directive.NoFileComp);
  const names = values(r);
  assert.equal(names, [...names].sort());
  for (const n of ['get', 'logs', 'proxy', 'version', 'completion', 'help', 'options', 'describe', 'exec', 'apply', 'port-forward']) assert.ok(names.includes(n), n);
  for (const n of ['config', 'plugin', 'kustomize', '__complete']) assert.not.ok(names.includes(n), n);
  assert.ok(r.candidates.includes('get\tDisplay one or many resources'));
  assert.equal(r.calls, [], 'no server needed');
});

test('subcommands :: by prefix, after global flags and their values', async () => {
  assert.equal(values(await run(['--server', 'unix:///x', '-n', 'prod', 'l'])), ['label', 'logs']);
  assert.equal(values(await run(['--insecure-skip-tls-verify', 'ver'])), ['version']);
});

test('flag names :: globals first then the command flags, each set sorted, --x then -x, hidden ones left out', async () => {
  const r = await run(['get', '-']);
  assert.is(r.directive, Directive.NoFileComp);
  const names = values(r);
  const at = (n: string) => names.indexOf(n);
  assert.ok(at('--warnings-as-errors') < at('--all-namespaces'), 'inherited flags come first');
  assert.is(at('-n'), at('--namespace') + 1);
  assert.is(at('-A'), at('--all-namespaces') + 1);
  assert.ok(names.includes('--help') && names.includes('-h'));
  for (const hidden of ['--filename', '-f', '--kustomize', '--recursive']) assert.not.ok(names.includes(hidden), hidden);
  assert.ok(r.candidates.includes('--output\tOutput format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file, custom-columns, custom-columns-file, wide). See custom columns [https://kubernetes.io/docs/reference/kubectl/#custom-columns], golang template [http://golang.org/pkg/text/template/#pkg-overview] and jsonpath template [https://kubernetes.io/docs/reference/kubectl/jsonpath/].'));
});

test('flag names :: at the root, every global and --help in one sorted set', async () => {
  const names = values(await run(['--']));
  assert.equal(names, [...names].sort());
  assert.ok(names.includes('--help') && names.includes('--server') && !names.includes('--all-namespaces'));
});

test('flag names :: a flag already given is not offered again, a repeatable one is', async () => {
  const names = values(await run(['get', '-A', '-L', 'app', '--l']));
  assert.equal(names, ['--log-flush-frequency', '--label-columns']);
  assert.not.ok(values(await run(['logs', '-f', '--f'])).includes('--follow'));
});

test('flag names :: after `--` a dash word is a positional', async () => {
  const r = await run(['get', 'pods', '--', '-']);
  assert.equal(r.calls, ['names pods']);
  assert.equal(r.candidates, []);
});

test('flag values :: -o offers kubectl get formats in kubectl order, in every spelling', async () => {
  const all = ['json', 'yaml', 'name', 'go-template', 'go-template-file', 'template', 'templatefile', 'jsonpath', 'jsonpath-as-json', 'jsonpath-file', 'custom-columns', 'custom-columns-file', 'wide'];
  assert.equal((await run(['get', '-o', ''])).candidates, all);
  for (const words of [['get', '--output', 'j'], ['get', '-o=j'], ['get', '--output=j'], ['get', '-Ao=j']]) {
    const r = await run(words);
    assert.equal(r.candidates, ['json', 'jsonpath', 'jsonpath-as-json', 'jsonpath-file'], words.join(' '));
    assert.is(r.directive, Directive.NoFileComp);
  }
  assert.equal((await run(['get', '--subresource', ''])).candidates, ['status', 'scale', 'resize']);
});

test('flag values :: -oj (no =) is a flag name, as cobra reads it', async () => {
  const r = await run(['get', '-oj']);
  assert.equal(r.candidates, []);
  assert.is(r.directive, Directive.NoFileComp);
});

test('flag values :: -n lists namespaces, with the flags typed before it', async () => {
  const r = await run(['--server', 'unix:///s', 'get', 'pods', '--context', 'prod', '-n', 'k']);
  assert.equal(r.candidates, ['kube-system']);
  assert.is(r.directive, Directive.NoFileComp);
  assert.equal(r.calls, ['names namespace']);
  assert.is(r.flags[0]?.get('server'), 'unix:///s');
  assert.is(r.flags[0]?.get('context'), 'prod');
  assert.equal((await run(['get', '--namespace=p'])).candidates, ['prod']);
});

test('flag values :: --context, --cluster, --user from the kubeconfig the line names', async () => {
  const r = await run(['--kubeconfig', '/tmp/kc', 'get', '--context', 'prod']);
  assert.equal(r.candidates, ['prod', 'prod-eu']);
  assert.is(r.flags[0]?.get('kubeconfig'), '/tmp/kc');
  assert.equal((await run(['--cluster=c'])).candidates, ['c1', 'c2']);
  assert.equal((await run(['logs', '--user', 'a'])).candidates, ['admin', 'alice']);
});

test('flag values :: flags without a completion function give the default directive (files)', async () => {
  for (const words of [['get', '--raw', ''], ['--kubeconfig', ''], ['logs', '-c', ''], ['get', '--sort-by', ''], ['version', '-o', '']]) {
    const r = await run(words);
    assert.equal(r.candidates, [], words.join(' '));
    assert.is(r.directive, Directive.Default, words.join(' '));
  }
});

test('flag values :: after a boolean flag comes a positional, not a value', async () => {
  const r = await run(['logs', '--insecure-skip-tls-verify-backend', 'web']);
  assert.equal(values(r), ['web-1', 'web-2']);
  assert.equal((await run(['get', '-A', ''])).calls, ['types']);
});

test('get :: resource types first, then the names of that type minus those already typed', async () => {
  assert.equal((await run(['get', ''])).candidates, ['configmaps', 'pods', 'secrets', 'services', 'deployments.apps']);
  assert.equal((await run(['get', 'se'])).candidates, ['secrets', 'services']);
  assert.equal((await run(['get', 'pods,se'])).candidates, ['pods,secrets', 'pods,services']);
  assert.equal((await run(['get', 'po', ''])).candidates, ['api-1', 'web-1', 'web-2']);
  assert.equal((await run(['get', 'po', 'web-1', ''])).candidates, ['api-1', 'web-2']);
  assert.equal((await run(['get', 'po,svc', ''])).candidates, ['api-1', 'web-1', 'web-2', 'web']);
  assert.equal((await run(['get', '-o', 'yaml', 'po', 'w'])).candidates, ['web-1', 'web-2']);
});

test('get :: TYPE/NAME form: names after the slash, then only `type/` without a space', async () => {
  const r = await run(['get', 'pod/w']);
  assert.equal(r.candidates, ['pod/web-1', 'pod/web-2']);
  assert.is(r.directive, Directive.NoFileComp);
  assert.equal((await run(['get', 'pod/web-1', 'pod/'])).candidates, ['pod/api-1', 'pod/web-2']);
  const next = await run(['get', 'pod/web-1', 'se']);
  assert.equal(next.candidates, ['secrets/', 'services/']);
  assert.is(next.directive, Directive.NoFileComp | Directive.NoSpace);
});

test('logs :: pod names and the types that own pods; then the containers of that pod', async () => {
  const r = await run(['logs', '']);
  assert.equal(r.candidates, ['api-1', 'web-1', 'web-2', 'daemonsets/', 'deployments/', 'pods/', 'jobs/', 'replicasets/', 'replicationcontrollers/', 'services/', 'statefulsets/']);
  assert.is(r.directive, Directive.NoFileComp);
  assert.equal((await run(['logs', 'deployments/'])).candidates, ['deployments/web']);
  assert.equal((await run(['logs', 'web-1', ''])).candidates, ['init', 'nginx']);
  assert.equal((await run(['logs', '-f', 'deployments/web', 'n'])).candidates, ['nginx']);
  assert.equal((await run(['logs', 'deployments/web', 'n'])).calls, ['containers deployments/web']);
  assert.equal((await run(['logs', 'web-1', 'nginx', ''])).candidates, []);
});

test('logs :: no pod matches: only `type/` remains, so no space after it', async () => {
  const r = await run(['logs', 'd']);
  assert.equal(r.candidates, ['daemonsets/', 'deployments/']);
  assert.is(r.directive, Directive.NoFileComp | Directive.NoSpace);
  assert.is((await run(['logs', 'zz'])).directive, Directive.NoFileComp | Directive.NoSpace);
});

test('server down :: nothing but the directive, as kubectl answers', async () => {
  for (const words of [['get', ''], ['get', 'pods', ''], ['get', '-n', ''], ['logs', 'web-1', '']]) {
    const r = await run(words, { down: true });
    assert.equal(r.candidates, [], words.join(' '));
    assert.is(r.directive, Directive.NoFileComp, words.join(' '));
    assert.is(r.error, undefined);
  }
});

test('completion :: the shells for the first argument only', async () => {
  assert.equal((await run(['completion', ''])).candidates, ['bash', 'zsh', 'fish', 'powershell']);
  assert.equal((await run(['completion', 'z'])).candidates, ['zsh']);
  assert.equal(await run(['completion', 'bash', '']).then((r) => [r.candidates, r.directive]), [[], Directive.Default]);
});

test('relay and env :: relay\'s subcommands; env --shell\'s shells', async () => {
  assert.equal((await run(['relay', ''])).candidates, ['list', 'stop']);
  assert.equal((await run(['relay', 's'])).candidates, ['stop']);
  assert.equal((await run(['env', '--shell', 'f'])).candidates, ['fish']);
});

test('help :: completes command names; proxy and version have no argument completion', async () => {
  assert.equal(values(await run(['help', 'pro'])), ['proxy']);
  for (const words of [['proxy', ''], ['version', ''], ['options', '']]) assert.is((await run(words)).directive, Directive.Default, words.join(' '));
});

test('--help on the line :: nothing more to complete', async () => {
  const r = await run(['get', '--help', '']);
  assert.equal([r.candidates, r.directive, r.calls], [[], Directive.NoFileComp, []]);
});

test('errors :: an unknown flag is reported on stderr, with the default directive', async () => {
  const r = await run(['get', '--bogus', '']);
  assert.equal(r.candidates, []);
  assert.is(r.directive, Directive.Default);
  assert.is(r.error, 'Error while parsing flags from args [--bogus]: unknown flag: --bogus');
  const v = await run(['get', '--bogus=x', '-n', '']);
  assert.is(v.error, 'Error while parsing flags from args [--bogus=x]: unknown flag: --bogus');
  assert.is((await run(['get', '--nope=x'])).error, "Subcommand 'get' does not support flag 'nope'");
});

test('kubectl verbs :: delegated to kubectl with the words as typed', async () => {
  const rec: Recorded = { flags: [], calls: [] };
  const r = (await complete(program, ['--server', 'unix:///s', 'describe', 'pod'], 'we', sources(rec))) as Delegation;
  assert.equal(r, { delegate: true, args: ['--server', 'unix:///s', 'describe', 'pod'], toComplete: 'we' });
  assert.ok('delegate' in (await complete(program, ['exec', '-it'], '-', sources(rec))));
  assert.ok('delegate' in (await complete(program, ['apply', '-f'], '', sources(rec))));
});

test('kubectl verbs :: the cluster-choosing flags are still completed here, from what kubectl sock sees', async () => {
  const r = await run(['describe', 'pods', '--context', 'p']);
  assert.equal(r.candidates, ['prod', 'prod-eu']);
  const ns = await run(['--server', 'unix:///s', 'exec', '-it', 'web-1', '-n=k']);
  assert.equal(ns.candidates, ['kube-system']);
  assert.is(ns.flags[0]?.get('server'), 'unix:///s');
});

test.run();
