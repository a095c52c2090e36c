// The kubeconfig subset reader (plugin/kube/clientcmd/kubeconfig-yaml.ts) against the
// full YAML parser it stands in for: on any text it either declines or reads
// exactly what the full parser reads (and never reads a text the full parser
// refuses); it declines none of the usual shapes; and it reads every file
// real kubectl writes with `kubectl config set-*`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseFirstDocument } from '../../../../plugin/kube/clientcmd/kubeconfig-document.ts';
import { readKubeconfigYaml } from '../../../../plugin/kube/clientcmd/kubeconfig-yaml.ts';
import { tempDir } from '../../../helpers/kubeconfig-builder.ts';
import { KUBECTL } from '../../../helpers/processes.ts';
import { NASTY_FRAGMENTS, runs, tried } from '../../../helpers/properties.ts';

/** The full parser's reading, or its error. */
function full(text: string): unknown {
  try {
    return { value: parseFirstDocument('/k/config', text) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function agrees(text: string): void {
  tried('kubeconfig subset');
  const fast = readKubeconfigYaml(text);
  if (fast === undefined) return;
  assert.equal({ value: fast }, full(text), JSON.stringify(text));
}

/** Scalars as kubeconfigs hold them, the YAML 1.1 words that are not strings, and quoted forms. */
const SCALARS = ['a', 'web', 'https://10.0.0.1:6443', 'unix:///run/k.sock', '/run/k.sock', '~/k.sock', './k.sock', '../k.sock', 'LS0tLS1CRUdJTi0tLS0tCg==',
  'client.authentication.k8s.io/v1beta1', 'IfAvailable', 'gke-gcloud-auth-plugin', '--region', '-x', 'y', 'n', 'Yes', 'NO', 'on', 'Off', 'true', 'FALSE', '~', 'null', 'Null',
  '"q"', "'q'", '"a\\"b"', '"a\\\\b"', "'it''s'", '""', "''", '{}', '[]', 'é', '日本', 'a  b', 'a# b', 'it\'s', 'a%b@c', '\u00a0x', 'x\u00a0', '\u3000'];
/** Scalars only the full parser may read: numbers, dates, indicators, escapes, flow collections, comments. */
const TRICKY = ['1', '0x1F', '1e3', '.5', '.inf', '2026-01-01', '12:30', '-', '- a', 'a: b', 'a #b', 'x:', '[a]', '{a: b}', 'a,b', '*x', '&x', '!t', '|', '>',
  '%x', '@x', '`x', '"a\\nb"', '"unterminated', "'x", '<<', '=', '?x', '__proto__', '---', '--', '-1', '-.5', '-.inf', '- -x', '"a" # c', '.', 'ü: x'];
const KEYS = ['name', 'cluster', 'server', 'user', 'token', 'context', 'namespace', 'args', 'env', 'exec', 'extensions', 'current-context', 'a.b/c', 'x_y'];
const TRICKY_KEYS = ['y', 'on', 'null', '__proto__', '"quoted"', '? k', 'k k', '1', '-k', 'k:k'];
/** A clean document draws only usual scalars and keys; another, some tricky ones too. */
const pick = (usual: string[], tricky: string[], clean: boolean) =>
  clean ? fc.constantFrom(...usual) : fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...usual) }, { weight: 1, arbitrary: fc.constantFrom(...tricky) });

interface Gen {
  indent: string;
  /** Sequences at their key's indent (kubectl's style) or deeper. */
  compactSeq: boolean;
}

function scalarLine(clean: boolean): fc.Arbitrary<string> {
  return pick(SCALARS, TRICKY, clean);
}

/** A YAML block of kubeconfig shape, rendered at `depth` levels of `g.indent`. */
function block(depth: number, clean: boolean): fc.Arbitrary<(g: Gen, pad: string) => string[]> {
  const entry = fc.tuple(pick(KEYS, TRICKY_KEYS, clean), depth > 0 ? fc.oneof(scalarLine(clean), block(depth - 1, clean), seq(depth - 1, clean)) : scalarLine(clean));
  // A clean mapping names each key once (a repeated key is the full parser's to judge).
  const entries = clean ? fc.uniqueArray(entry, { minLength: 1, maxLength: 4, selector: ([k]) => k }) : fc.array(entry, { minLength: 1, maxLength: 4 });
  return entries.map((entries) => (g, pad) =>
    entries.flatMap(([k, v]) => {
      if (typeof v === 'string') return [`${pad}${k}: ${v}`];
      const isSeq = (v as { seq?: boolean }).seq === true;
      const inner = isSeq && g.compactSeq ? pad : pad + g.indent;
      return [`${pad}${k}:`, ...v(g, inner)];
    }));
}

function seq(depth: number, clean: boolean): fc.Arbitrary<((g: Gen, pad: string) => string[]) & { seq: true }> {
  const item = fc.oneof(scalarLine(clean), block(Math.max(0, depth - 1), clean));
  return fc.array(item, { minLength: 1, maxLength: 3 }).map((items) => Object.assign((g: Gen, pad: string) =>
    items.flatMap((it) => {
      if (typeof it === 'string') return [`${pad}- ${it}`];
      const [first = '', ...rest] = it(g, `${pad}  `);
      return [`${pad}- ${first.trimStart()}`, ...rest];
    }), { seq: true as const }));
}

const documentOf = (clean: boolean) => fc.tuple(block(3, clean), fc.record({ indent: fc.constantFrom('  ', '    ', '   '), compactSeq: fc.boolean() }))
  .map(([b, g]) => `${b(g, '').join('\n')}\n`);
const document = fc.oneof(documentOf(true), documentOf(false));

/** Edits that a hand-edited file may carry: comments, blank lines, trailing spaces, tabs, stray characters. */
const edited = fc.tuple(document, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...NASTY_FRAGMENTS, '\n# c\n', '\n\n', '  ', ' # c', '\n---\n', '\n...\n', '\t', '&a ', '*a', '!!str ', '\n  ')), { minLength: 1, maxLength: 3 }))
  .map(([text, edits]) => edits.reduce((t, [at, s]) => t.slice(0, at % (t.length + 1)) + s + t.slice(at % (t.length + 1)), text));

test('readKubeconfigYaml :: reads what the full parser reads, or declines', () => {
  fc.assert(fc.property(fc.oneof(document, edited), agrees), runs(3000, 30000));
});

test('readKubeconfigYaml :: reads every document of the usual shape itself', () => {
  fc.assert(fc.property(documentOf(true), (text) => {
    tried('kubeconfig subset');
    assert.ok(readKubeconfigYaml(text) !== undefined, text);
  }), runs(300, 3000));
});

/** The shapes real kubeconfigs take; the subset must read them all. */
const USUAL = [
  'apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM=\n    server: https://127.0.0.1:6443\n  name: kind-kind\ncontexts:\n- context:\n    cluster: kind-kind\n    user: kind-kind\n  name: kind-kind\ncurrent-context: kind-kind\nkind: Config\npreferences: {}\nusers:\n- name: kind-kind\n  user:\n    client-certificate-data: LS0tLS1CRUdJTg==\n    client-key-data: LS0tLS1CRUdJTg==\n',
  'apiVersion: v1\nclusters:\n- cluster:\n    server: unix:///home/u/.kube/kube.sock\n  name: local\ncontexts:\n- context:\n    cluster: local\n    namespace: default\n    user: ""\n  name: local\ncurrent-context: local\nkind: Config\npreferences: {}\nusers: null\n',
  'apiVersion: v1\nkind: Config\nclusters:\n  - name: gke\n    cluster:\n      server: https://34.1.2.3\n      certificate-authority-data: LS0t\nusers:\n  - name: gke\n    user:\n      exec:\n        apiVersion: client.authentication.k8s.io/v1beta1\n        command: gke-gcloud-auth-plugin\n        installHint: Install gke-gcloud-auth-plugin for use with kubectl by following https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin\n        provideClusterInfo: true\n        interactiveMode: IfAvailable\n        env: null\n        args: null\ncontexts:\n  - name: gke\n    context:\n      cluster: gke\n      user: gke\ncurrent-context: gke\n',
  '# edited by hand\napiVersion: v1\nkind: Config\n\nclusters:\n- name: eks\n  cluster:\n    server: https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com\n    insecure-skip-tls-verify: false\nusers:\n- name: eks\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: aws\n      args:\n      - --region\n      - eu-west-1\n      - eks\n      - get-token\n      - --cluster-name\n      - prod\n      env:\n      - name: AWS_PROFILE\n        value: prod\ncontexts:\n- name: eks\n  context: {}\ncurrent-context: \'eks\'\n',
];

test('readKubeconfigYaml :: reads the usual kubeconfig shapes itself', () => {
  for (const text of USUAL) {
    assert.ok(readKubeconfigYaml(text) !== undefined, text);
    agrees(text);
  }
});

test('readKubeconfigYaml :: reads every file kubectl config set-* writes (kubectl as the writer)', () => {
  const dir = tempDir();
  const file = join(dir, 'config');
  const steps = [
    ['set-cluster', 'local', '--server=unix:///home/u/.kube/kube.sock'],
    ['set-cluster', 'prod', '--server=https://10.0.0.1:6443', '--tls-server-name=kubernetes', '--insecure-skip-tls-verify=true'],
    ['set-credentials', 'alice', '--token=abc.def', '--username=', '--exec-command=/usr/bin/helper', '--exec-api-version=client.authentication.k8s.io/v1', '--exec-arg=a', '--exec-arg=b c', '--exec-env=A=1'],
    ['set-credentials', 'bob', '--client-certificate=/etc/bob.crt', '--client-key=/etc/bob.key'],
    ['set-context', 'local', '--cluster=local', '--namespace=team-a'],
    ['set-context', 'prod', '--cluster=prod', '--user=alice'],
    ['use-context', 'local'],
    ['set', 'preferences.colors', 'true'],
  ];
  for (const step of steps) {
    const r = spawnSync(KUBECTL, ['config', ...step, `--kubeconfig=${file}`], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' } });
    assert.is(r.status, 0, r.stderr);
    const text = readFileSync(file, 'utf8');
    assert.ok(readKubeconfigYaml(text) !== undefined, text);
    agrees(text);
  }
});

test.run();
