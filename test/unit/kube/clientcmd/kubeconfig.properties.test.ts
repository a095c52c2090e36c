// Property tests of kubeconfig loading and merging: any file text loads or is
// a ConfigError; merging agrees with a model of client-go's rules (the first
// file to name a cluster, user or context wins it whole, the first
// current-context wins, missing $KUBECONFIG files are skipped); and, against
// real kubectl (`kubectl config view --raw -o json`, offline), generated files
// with YAML 1.1 plain scalars load to the same merged config or fail with the
// same message.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, formatError } from '../../../../plugin/errors.ts';
import { loadKubeconfig } from '../../../../plugin/kube/clientcmd/kubeconfig.ts';
import { parseKubeconfigFile } from '../../../../plugin/kube/clientcmd/kubeconfig-file.ts';
import type { MergedKubeconfig } from '../../../../plugin/kube/clientcmd/kubeconfig-types.ts';
import { resolveServerAddress } from '../../../../plugin/transport/address.ts';
import { tempDir } from '../../../helpers/kubeconfig-builder.ts';
import { KUBECTL } from '../../../helpers/processes.ts';
import { nastyString, runs, tried } from '../../../helpers/properties.ts';

const dir = tempDir();
let fileNo = 0;

/** A YAML scalar as written: plain (YAML 1.1 reads `y`, `on`, `1e3`, `~` as non-strings) or double-quoted. */
type Scalar = { plain: string } | { quoted: string };
const render = (s: Scalar) => ('plain' in s ? s.plain : JSON.stringify(s.quoted));

const PLAIN = ['a', 'b', 'c', 'https://x.example', 'unix:///run/k.sock', '/run/k.sock', 'y', 'n', 'yes', 'off', 'on', 'true', '1', '1e3', '0x1F', '~', 'null', '日本', 'a-b', '.5'];
const QUOTED = ['a', 'b', 'c', '', 'x y', 'é', 'with:colon', 'y', 'https://q.example:6443', 'unix:///run/q.sock', 'ns-1', 'UPPER', '\\', "'"];
const scalar = (quotedOnly: boolean): fc.Arbitrary<Scalar> => quotedOnly
  ? fc.constantFrom(...QUOTED).map((quoted) => ({ quoted }))
  : fc.oneof(fc.constantFrom(...PLAIN).map((plain) => ({ plain })), fc.constantFrom(...QUOTED).map((quoted) => ({ quoted })));

interface FileSpec {
  clusters: [Scalar, Scalar][];
  users: [Scalar, Scalar][];
  contexts: [Scalar, Scalar, Scalar, Scalar][];
  current?: Scalar;
}

/** Names unique within a file unless `dupes` (kubectl refuses a file that repeats a name). */
function fileSpec(quotedOnly: boolean, dupes: boolean): fc.Arbitrary<FileSpec> {
  const s = scalar(quotedOnly);
  const list = <T extends Scalar[]>(entry: fc.Arbitrary<T>) => dupes
    ? fc.array(entry, { maxLength: 3 })
    : fc.uniqueArray(entry, { maxLength: 3, selector: (e) => render(e[0] as Scalar) });
  return fc.record({
    clusters: list(fc.tuple(s, s)),
    users: list(fc.tuple(s, s)),
    contexts: list(fc.tuple(s, s, s, s)),
    current: fc.option(s, { nil: undefined }),
  }, { requiredKeys: ['clusters', 'users', 'contexts'] });
}

function yamlOf(f: FileSpec): string {
  let text = '';
  if (f.clusters.length) text += 'clusters:\n' + f.clusters.map(([n, server]) => `- name: ${render(n)}\n  cluster:\n    server: ${render(server)}\n`).join('');
  if (f.users.length) text += 'users:\n' + f.users.map(([n, token]) => `- name: ${render(n)}\n  user:\n    token: ${render(token)}\n`).join('');
  if (f.contexts.length) {
    text += 'contexts:\n' + f.contexts.map(([n, c, u, ns]) => `- name: ${render(n)}\n  context:\n    cluster: ${render(c)}\n    user: ${render(u)}\n    namespace: ${render(ns)}\n`).join('');
  }
  if (f.current) text += `current-context: ${render(f.current)}\n`;
  return text;
}

function writeFiles(specs: (FileSpec | null)[]): string[] {
  const folder = join(dir, String(fileNo++));
  mkdirSync(folder);
  return specs.map((spec, i) => {
    const path = join(folder, `config-${i}`);
    if (spec) writeFileSync(path, yamlOf(spec));
    return path;
  });
}

function load(paths: string[]): Promise<MergedKubeconfig> {
  tried('kubeconfig');
  return loadKubeconfig({ env: { KUBECONFIG: paths.join(':') }, home: '/nonexistent', cwd: dir });
}

/** What the loader keeps of a server: a socket path becomes its unix URL, anything else stays as written. */
function storedServer(server: string, fileDir: string): string {
  try {
    const a = resolveServerAddress(server, { baseDir: fileDir, home: '/nonexistent', defaultTLS: false });
    return a.transport === 'unix' ? a.display : server;
  } catch {
    return server;
  }
}

/** The merged config as sorted name → fields lines, the shape both sides are compared in. */
function summarize(m: { clusters: [string, string][]; users: [string, string][]; contexts: [string, string, string, string][]; current: string }): string {
  const lines = [
    ...m.clusters.map(([n, s]) => `cluster ${JSON.stringify(n)} server=${JSON.stringify(s)}`),
    ...m.users.map(([n, t]) => `user ${JSON.stringify(n)} token=${JSON.stringify(t)}`),
    ...m.contexts.map(([n, c, u, ns]) => `context ${JSON.stringify(n)} ${JSON.stringify([c, u, ns])}`),
  ].sort();
  return [...lines, `current-context=${JSON.stringify(m.current)}`].join('\n');
}

function ours(m: MergedKubeconfig): string {
  return summarize({
    clusters: [...m.clusters].map(([n, c]) => [n, c.server ?? '']),
    users: [...m.users].map(([n, u]) => [n, u.token ?? '']),
    contexts: [...m.contexts].map(([n, c]) => [n, c.cluster ?? '', c.user ?? '', c.namespace ?? '']),
    current: m.currentContext,
  });
}

test('parseKubeconfigFile :: any text loads or is a ConfigError', async () => {
  const yamlish = fc.oneof(
    nastyString(20),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.tuple(fileSpec(false, true), nastyString(4), fc.nat(200)).map(([f, junk, at]) => {
      const t = yamlOf(f);
      return t.slice(0, at % (t.length + 1)) + junk + t.slice(at % (t.length + 1));
    }),
  );
  await fc.assert(fc.asyncProperty(yamlish, async (text) => {
    tried('kubeconfig');
    try {
      await parseKubeconfigFile('/k/config', text, '/h');
    } catch (err) {
      assert.instance(err, ConfigError);
    }
  }), runs(600));
});

test('loadKubeconfig :: merging agrees with client-go\'s first-file-wins model', async () => {
  const files = fc.array(fc.option(fileSpec(true, false), { nil: null, freq: 4 }), { minLength: 1, maxLength: 4 });
  await fc.assert(fc.asyncProperty(files, fc.boolean(), async (specs, repeat) => {
    const paths = writeFiles(specs);
    // $KUBECONFIG may name a file twice; client-go reads it once.
    const listed = repeat ? [...paths, ...paths.slice(0, 1)] : paths;
    const model = { clusters: new Map<string, string>(), users: new Map<string, string>(), contexts: new Map<string, [string, string, string]>(), current: '' };
    specs.forEach((f, i) => {
      if (!f) return;
      const q = (s: Scalar) => ('quoted' in s ? s.quoted : s.plain);
      for (const [n, s] of f.clusters) if (!model.clusters.has(q(n))) model.clusters.set(q(n), storedServer(q(s), join(paths[i] as string, '..')));
      for (const [n, t] of f.users) if (!model.users.has(q(n))) model.users.set(q(n), q(t));
      for (const [n, c, u, ns] of f.contexts) if (!model.contexts.has(q(n))) model.contexts.set(q(n), [q(c), q(u), q(ns)]);
      if (!model.current && f.current) model.current = q(f.current);
    });
    const expected = summarize({
      clusters: [...model.clusters], users: [...model.users],
      contexts: [...model.contexts].map(([n, v]) => [n, ...v]), current: model.current,
    });
    assert.fixture(ours(await load(listed)), expected);
  }), runs(300));
});

/** `kubectl config view --raw -o json` of the merged files: the summary, or kubectl's error line. */
function kubectlView(paths: string[]): string {
  tried('kubeconfig (kubectl oracle)');
  const r = spawnSync(KUBECTL, ['config', 'view', '--raw', '-o', 'json'], {
    env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent', KUBECONFIG: paths.join(':') }, encoding: 'utf8', timeout: 60_000,
  });
  if (r.status !== 0) return comparable(r.stderr.trimEnd());
  type Named<K extends string, V> = { name: string } & Record<K, V>;
  const v = JSON.parse(r.stdout) as {
    clusters: Named<'cluster', { server?: string }>[] | null;
    users: Named<'user', { token?: string }>[] | null;
    contexts: Named<'context', { cluster?: string; user?: string; namespace?: string }>[] | null;
    'current-context': string;
  };
  return summarize({
    clusters: (v.clusters ?? []).map((c) => [c.name, storedServer(c.cluster.server ?? '', join(paths[0] as string, '..'))]),
    users: (v.users ?? []).map((u) => [u.name, u.user.token ?? '']),
    contexts: (v.contexts ?? []).map((c) => [c.name, c.context.cluster ?? '', c.context.user ?? '', c.context.namespace ?? '']),
    current: v['current-context'],
  });
}

/**
 * kubectl prints a repeated user's entries with their secrets and pointer
 * addresses; kubectl-sock does not. With several broken files kubectl reads on
 * and lists every error, one a line without "error: "; kubectl-sock stops at
 * the first (a known difference, left as is), so only that one is compared.
 */
function comparable(message: string): string {
  const lines = message.split('\n');
  const first = lines.length > 1 && lines.every((l) => l.startsWith('error loading config file')) ? `error: ${lines[0]}` : message;
  return first.replace(/(NamedAuthInfo.*in list: ).*/, '$1[…]');
}

test('loadKubeconfig :: loads what kubectl loads, fails where kubectl fails, with its message', async () => {
  const files = fc.array(fc.option(fileSpec(false, true), { nil: null, freq: 5 }), { minLength: 1, maxLength: 3 });
  await fc.assert(fc.asyncProperty(files, async (specs) => {
    const paths = writeFiles(specs);
    let got: string;
    try {
      got = ours(await load(paths));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      got = comparable(formatError(err).text);
    }
    assert.fixture(got, kubectlView(paths), specs.map((s) => (s ? yamlOf(s) : '(missing)')).join('---\n'));
  }), runs(25, 600));
});

test.run();
