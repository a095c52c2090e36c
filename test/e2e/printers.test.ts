// Output printers against the oracle: the fake API server holds awkward
// objects; real kubectl 1.33 prints them with `get -o <fmt>`; our printer
// library prints the JSON the same server returns. stdout, stderr and the exit
// code must match byte for byte. (CLI-level parity comes with the get command.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeApiServer, type FakeApiServer, type K8sObject } from '../helpers/fake-apiserver.ts';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { kubectl } from '../helpers/processes.ts';
import { formatError } from '../../plugin/errors.ts';
import { newPrinter, parseKubeJson, printResult, type PrinterSpec } from '../../plugin/kube/printers/index.ts';

let api: FakeApiServer;
let dir: string;

const SEED: K8sObject[] = [
  {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: {
      name: 'settings',
      labels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/part-of': 'shop', tier: 'frontend', a10: 'x', a9: 'y', a_b: '1', aB: '2' },
      annotations: {
        'note/multi': 'first line\nsecond line\n',
        'note/trimmed': 'first\nsecond',
        'note/long': 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau',
        'note/html': '<b>bold</b> & more',
      },
    },
    data: {
      bool: 'true', yes: 'y', int: '1', float: '1e3', empty: '', nul: 'null', date: '2001-12-14', colon: 'a: b',
      dash: '- item', star: '*ref', quote: "'x'", unicode: 'héllo ✓ 😀', tab: 'a\tb', lead: ' x', octal: '0777', sexagesimal: '1:20',
    },
  },
  {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web-1', labels: { app: 'web', 'app.kubernetes.io/name': 'web' }, annotations: { 'kubernetes.io/description': 'the first\nweb pod' } },
    spec: {
      containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }, { name: 'sidecar', image: 'busybox' }],
      priority: 3, weight: 1.5, big: 1234567.5, huge: 1e21, tiny: 1e-7, enableServiceLinks: true, nodeSelector: {}, tolerations: [],
    },
    status: { phase: 'Running', podIP: '10.0.0.7' },
  },
  {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'db-0', labels: { app: 'db' } },
    spec: { containers: [{ name: 'postgres', image: 'postgres:16' }], priority: 7, enableServiceLinks: false },
    status: { phase: 'Pending' },
  },
  {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' }, managedFields: [{ manager: 'kubectl', operation: 'Apply' }] },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
  },
];

test.before(async () => {
  dir = tempDir('ksock-printers-');
  api = await startFakeApiServer({ tcp: true });
  for (const obj of SEED) api.addObject(obj);
  writeFileSync(join(dir, 'columns.txt'), 'NAME        PHASE\n.metadata.name   {.status.phase}\n');
  writeFileSync(join(dir, 'template.jsonpath'), '{range .items[*]}{.metadata.name}{"\\n"}{end}');
  writeFileSync(join(dir, 'template.gotmpl'), '{{range .items}}{{.metadata.name}}={{len .spec.containers}}\n{{end}}');
});

test.after(async () => {
  await api?.close();
});

function getJson(path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.httpUrl}${path}`, { headers: { accept: 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(parseKubeJson(body)));
    });
    req.on('error', reject);
    req.end();
  });
}

interface Target {
  /** kubectl get arguments naming the objects. */
  args: string[];
  path: string;
  /** A single named object: printed alone rather than as a List. */
  single: boolean;
}

const PODS: Target = { args: ['pods'], path: '/api/v1/namespaces/default/pods', single: false };
const POD: Target = { args: ['pod', 'web-1'], path: '/api/v1/namespaces/default/pods/web-1', single: true };
const CONFIGMAP: Target = { args: ['configmap', 'settings'], path: '/api/v1/namespaces/default/configmaps/settings', single: true };
const DEPLOYMENTS: Target = { args: ['deployments'], path: '/apis/apps/v1/namespaces/default/deployments', single: false };
const NO_SECRETS: Target = { args: ['secrets'], path: '/api/v1/namespaces/default/secrets', single: false };

/** The objects kubectl's builder yields: list items get the list's apiVersion and kind (without "List"). */
async function objectsOf(t: Target): Promise<unknown[]> {
  const body = (await getJson(t.path)) as { kind: string; apiVersion: string; items?: Array<Record<string, unknown>> };
  if (t.single) return [body];
  const kind = body.kind.replace(/List$/, '');
  return (body.items ?? []).map((item) => ({ apiVersion: body.apiVersion, kind, ...item }));
}

async function ours(t: Target, spec: PrinterSpec): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  const out = { write: (s: string) => (stdout += s) };
  try {
    const printer = newPrinter({ cwd: dir, ...spec });
    printResult(printer, await objectsOf(t), out, { singleItemImplied: t.single });
    return { stdout, stderr: '', code: 0 };
  } catch (err) {
    const { text, exitCode } = formatError(err);
    return { stdout, stderr: text.endsWith('\n') ? text : `${text}\n`, code: exitCode };
  }
}

/** kubectl's flags for a printer spec. */
function flagsOf(spec: PrinterSpec): string[] {
  const flags = [`--output=${spec.output}`];
  if (spec.template !== undefined) flags.push(`--template=${spec.template}`);
  if (spec.noHeaders) flags.push('--no-headers');
  if (spec.allowMissingTemplateKeys === false) flags.push('--allow-missing-template-keys=false');
  if (spec.showManagedFields) flags.push('--show-managed-fields');
  return flags;
}

async function same(t: Target, spec: PrinterSpec): Promise<void> {
  const args = ['--server', api.httpUrl as string, 'get', ...t.args, ...flagsOf(spec)];
  const theirs = await kubectl(args, { cwd: dir });
  const mine = await ours(t, spec);
  const label = `kubectl ${args.slice(2).join(' ')}`;
  assert.is(mine.stdout, theirs.stdout, `stdout of ${label}`);
  assert.is(mine.stderr, theirs.stderr, `stderr of ${label}`);
  assert.is(mine.code, theirs.code, `exit code of ${label}`);
}

test('json :: a list, a single object, an empty list, managed fields', async () => {
  await same(PODS, { output: 'json' });
  await same(CONFIGMAP, { output: 'json' });
  await same(NO_SECRETS, { output: 'json' });
  await same(DEPLOYMENTS, { output: 'json' });
  await same(DEPLOYMENTS, { output: 'json', showManagedFields: true });
});

test('yaml :: quoting, folding, block scalars, key order, numbers', async () => {
  await same(CONFIGMAP, { output: 'yaml' });
  await same(PODS, { output: 'yaml' });
  await same(POD, { output: 'yaml' });
  await same(NO_SECRETS, { output: 'yaml' });
  await same(DEPLOYMENTS, { output: 'yaml', showManagedFields: true });
});

test('name :: core and grouped kinds', async () => {
  await same(PODS, { output: 'name' });
  await same(DEPLOYMENTS, { output: 'name' });
  await same(POD, { output: 'NAME' });
});

test('jsonpath :: fields, wildcards, slices, filters, range, literals', async () => {
  await same(PODS, { output: 'jsonpath={.items[*].metadata.name}' });
  await same(PODS, { output: 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}' });
  await same(PODS, { output: 'jsonpath={.items[?(@.status.phase=="Running")].metadata.name}' });
  await same(PODS, { output: 'jsonpath={.items[?(@.spec.priority>5)].metadata.name} {.items[-1:].metadata.name} {.items[0:2].kind}' });
  await same(PODS, { output: 'jsonpath={.items[0].spec.containers[*].image}|{.items[0].spec.nodeSelector}|{.items[0].spec.weight}|{.items[0].spec.huge}' });
  await same(PODS, { output: "jsonpath={.items[0].metadata.labels.app\\.kubernetes\\.io/name}{'\\n'}" });
  await same(PODS, { output: 'jsonpath={..image}' });
  await same(POD, { output: 'jsonpath={@.metadata.annotations}' });
  await same(POD, { output: 'jsonpath={.spec.containers[?(@.ports)].name}' });
});

test('jsonpath :: missing keys, errors, as-json, file, --template', async () => {
  await same(POD, { output: 'jsonpath={.metadata.nosuch}' });
  await same(POD, { output: 'jsonpath={.metadata.nosuch}', allowMissingTemplateKeys: false });
  await same(POD, { output: 'jsonpath={.spec.containers[5]}' });
  await same(POD, { output: 'jsonpath={.kind' });
  await same(PODS, { output: 'jsonpath-as-json={.items[*].metadata.name}' });
  await same(PODS, { output: 'jsonpath-file=template.jsonpath' });
  await same(POD, { output: 'jsonpath', template: '{.metadata.name}' });
  await same(POD, { output: 'jsonpath=' });
});

test('custom-columns :: values, <none>, lists, no headers, file, errors', async () => {
  await same(PODS, { output: 'custom-columns=NAME:.metadata.name,IMAGES:.spec.containers[*].image,IP:.status.podIP,PRIORITY:.spec.priority' });
  await same(PODS, { output: 'custom-columns=NAME:{.metadata.name},LABELS:metadata.labels', noHeaders: true });
  await same(POD, { output: 'custom-columns=NAME:.metadata.name,WEIGHT:.spec.weight,MISSING:.spec.nothing' });
  await same(PODS, { output: 'custom-columns-file=columns.txt' });
  await same(NO_SECRETS, { output: 'custom-columns=NAME:.metadata.name' });
  await same(NO_SECRETS, { output: 'name' });
  await same(PODS, { output: 'custom-columns=' });
  await same(PODS, { output: 'custom-columns=NAME' });
});

test('go-template :: fields, range, if/else, functions, missing keys', async () => {
  await same(PODS, { output: 'go-template={{range .items}}{{.metadata.name}} {{.status.phase}}{{"\\n"}}{{end}}' });
  await same(PODS, { output: 'go-template={{range $i, $p := .items}}{{$i}}:{{$p.metadata.name}}{{if eq $p.status.phase "Running"}} up{{else}} down{{end}}\n{{end}}' });
  await same(POD, { output: 'go-template={{index .metadata.labels "app"}} {{len .spec.containers}} {{printf "%s/%05d/%.2f" .kind .spec.priority .spec.weight}} {{.spec.big}} {{.nothing}}' });
  await same(POD, { output: 'go-template={{with .status}}{{.phase}}{{end}}|{{.spec.nodeSelector}}|{{.spec.containers}}|{{and .spec.enableServiceLinks .kind}}|{{not .spec.tolerations}}' });
  await same(POD, { output: 'go-template={{.nothing}}', allowMissingTemplateKeys: false });
  await same(POD, { output: 'go-template={{.metadata.name}} {{len .nothing}}' });
  await same(POD, { output: 'go-template={{.metadata.name' });
  await same(PODS, { output: 'go-template-file=template.gotmpl' });
  await same(POD, { output: '', template: '{{.metadata.name}}' });
});

test('format errors :: unknown -o values, case', async () => {
  await same(POD, { output: 'yml' });
  await same(POD, { output: 'Wide-ish' });
  await same(POD, { output: 'JSON' });
  await same(POD, { output: 'jsonpath-file=no-such-file' });
});

test.run();
