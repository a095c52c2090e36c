// Issue #19's sweep: every kubectl 1.33 verb, every `config` subcommand and every
// global flag (test/real/sweep-table.ts), through kubectl-sock over kubectl
// proxy's unix socket beside kubectl 1.33 over TLS to the same REAL API server.
// Verbs that change things run on twins (namespaces and nodes sw-sock and
// sw-oracle, made alike); what twins cannot share (their names, uids, times) is
// masked. Rows that must differ are checked for what they say, and their reason
// must stand in the README.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlPlane } from '../helpers/control-plane.ts';
import { startProxiedControlPlane, type ProxiedControlPlane } from '../helpers/proxied-control-plane.ts';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { KUBECTL, kubectl, ROOT, sock, type Background } from '../helpers/processes.ts';
import { nodeManifest } from '../helpers/seed-manifests.ts';
import { createDeployments } from '../helpers/seed-deployments.ts';
import { assertSame, sideBySide } from './first-day-fixture.ts';
import { CONFIG_ROWS, globalFlagRows, verbRows, type SweepRow } from './sweep-table.ts';

const OURS = 'sw-sock';
const THEIRS = 'sw-oracle';

let cp: ControlPlane;
let proxy: Background & { address: string };
let world: ProxiedControlPlane | undefined;
let dir: string;

test.before(async () => {
  world = await startProxiedControlPlane(async (c) => {
    cp = c;
    dir = tempDir('ksock-sweep-');
    for (const twin of [OURS, THEIRS]) await makeTwin(cp, twin);
  });
  proxy = world.proxy;
});

test.after(async () => {
  await world?.stop();
});

/** A namespace and a node of the twin's name; deployments `web` (not ready) and `done` (rolled out) in it. */
async function makeTwin(c: ControlPlane, name: string): Promise<void> {
  await c.json('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  await c.json('POST', '/api/v1/nodes', nodeManifest(name, 1));
  await createDeployments(c, name, [['web', 0], ['done', 2]]);
}

/** What twins cannot share: their names, and what the server stamps on each object; a diff's temporary files and times. */
function twinText(text: string): string {
  return text
    .replaceAll(OURS, '<twin>').replaceAll(THEIRS, '<twin>')
    .replace(/\b(uid|resourceVersion|creationTimestamp|time|lastTransitionTime|lastUpdateTime)(["']?:\s*"?)[^"\s,}]+/g, '$1$2<server>')
    .replace(/\/tmp\/(LIVE|MERGED)-\d+/g, '/tmp/$1-<n>')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ [+-]\d{4}/g, '<time>');
}

/** kubectl --help's verbs, config --help's subcommands, `kubectl options`' flags. */
async function kubectlSurface(): Promise<string[]> {
  const section = (help: string) => [...help.matchAll(/^ {2}([a-z][\w-]*) {2,}\S/gm)].map((m) => m[1] as string);
  const verbs = section((await kubectl(['--help'])).stdout).filter((v) => v !== 'kubectl');
  const config = section((await kubectl(['config', '--help'])).stdout.split('Available Commands:')[1] ?? '').map((v) => `config ${v}`);
  const flags = [...(await kubectl(['options'])).stdout.matchAll(/^ +(?:-\w, )?--([\w-]+)=/gm)].map((m) => `--${m[1]}`);
  return [...verbs, 'alpha', 'options', 'help', ...config, ...flags];
}

interface Finding {
  row: string;
  problem: string;
}

async function runRow(row: SweepRow, kubeconfigs: { ours: string; theirs: string }): Promise<Finding | undefined> {
  const side = (twin: string) => row.args.map((a) => a.replace('NODE', twin)).concat(row.twins ? ['-n', twin] : []);
  const unix = ['--server', `unix://${proxy.address}`];
  const ours = row.ownKubeconfig ? ['--kubeconfig', kubeconfigs.ours] : ['--kubeconfig', cp.kubeconfig, ...unix];
  const theirs = row.ownKubeconfig ? ['--kubeconfig', kubeconfigs.theirs] : ['--kubeconfig', cp.kubeconfig];
  // Each side's args differ only by the twin's name: run kubectl-sock with ours, kubectl with theirs.
  const p = row.bare
    ? await Promise.all([sock(row.args, { env: { KUBECTL_SOCK_KUBECTL: KUBECTL } }), kubectl(row.args)]).then(([o, t]) => ({ ours: o, theirs: t }))
    : await sideBySide([], { sockArgs: [...ours, ...side(OURS)], kubectlArgs: [...theirs, ...side(THEIRS)], env: { EDITOR: 'true' } });
  if (process.env['KSOCK_SWEEP_REPORT']) process.stdout.write(`sweep: ${row.covers}: exit ${p.ours.code}/${p.theirs.code}: ${JSON.stringify((p.ours.stdout || p.ours.stderr).split('\n')[0])}\n`);
  if (row.differs) return row.differs.check(p.ours, p.theirs) ? undefined : { row: row.covers, problem: `not the deliberate difference: ${JSON.stringify(p)}` };
  try {
    assertSame(p, `${row.covers}: ${row.args.join(' ')}`, (t) => (row.prep ?? ((x: string) => x))(twinText(t.replaceAll(kubeconfigs.ours, '<kc>').replaceAll(kubeconfigs.theirs, '<kc>'))));
    return undefined;
  } catch (err) {
    const e = err as Error & { actual?: unknown; expects?: unknown };
    const where = typeof e.actual === 'string' && typeof e.expects === 'string' ? firstDifference(e.actual, e.expects) : '';
    return { row: row.covers, problem: `${e.message}${where}` };
  }
}

/** The first line where two outputs part, so that a finding says what differed. */
function firstDifference(ours: string, theirs: string): string {
  const a = ours.split('\n');
  const b = theirs.split('\n');
  const i = a.findIndex((line, n) => line !== b[n]);
  const at = i < 0 ? a.length : i;
  return ` (line ${at + 1}: kubectl-sock ${JSON.stringify(a[at] ?? '')}, kubectl ${JSON.stringify(b[at] ?? '')})`;
}

test('the sweep covers every kubectl 1.33 verb, config subcommand and global flag; its reasons to differ are in the README', async () => {
  const manifest = join(dir, 'configmap.yaml');
  writeFileSync(manifest, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sw-applied\ndata:\n  a: b\n');
  const kustomization = join(dir, 'kustomize');
  mkdirSync(kustomization, { recursive: true });
  writeFileSync(join(kustomization, 'kustomization.yaml'), 'resources:\n- configmap.yaml\n');
  copyFileSync(manifest, join(kustomization, 'configmap.yaml'));
  const rows = [...verbRows(manifest, kustomization), ...CONFIG_ROWS, ...globalFlagRows(join(dir, 'missing.pem'))];
  const covered = new Set(rows.map((r) => r.covers));
  assert.equal((await kubectlSurface()).filter((s) => !covered.has(s)), [], 'a row for each');
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const r of rows.filter((x) => x.differs)) assert.ok(readme.includes(r.differs?.readme as string), `the README names why ${r.covers} differs: ${r.differs?.readme}`);
});

test('the sweep :: each row through kubectl-sock over a socket, as kubectl 1.33 over TLS (or its named difference)', async () => {
  const manifest = join(dir, 'configmap.yaml');
  const kubeconfigs = { ours: join(dir, 'ours.kubeconfig'), theirs: join(dir, 'theirs.kubeconfig') };
  copyFileSync(cp.kubeconfig, kubeconfigs.ours);
  copyFileSync(cp.kubeconfig, kubeconfigs.theirs);
  const findings: Finding[] = [];
  for (const row of [...verbRows(manifest, join(dir, 'kustomize')), ...CONFIG_ROWS, ...globalFlagRows(join(dir, 'missing.pem'))]) {
    const f = await runRow(row, kubeconfigs);
    if (f) findings.push(f);
  }
  assert.equal(findings, [], 'rows that differ from kubectl without a reason');
});

test.run();
