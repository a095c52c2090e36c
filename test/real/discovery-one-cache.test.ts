// One discovery cache, as a kubectl user has with kubectl alone, though
// kubectl-sock's native commands and the kubectl it passes verbs to keep it in
// two programs. A custom type in category `all` is created, used, and deleted,
// with one program noticing each change first; every later command must see
// what kubectl 1.33 sees on its own single cache (KUBECACHEDIR) doing the same
// sequence: stdout, stderr and exit code compared at each step. Objects and
// waits go straight to the API server, so that only the steps touch a cache.
// Before the caches were one, step 3 listed no sprocket (native cache older
// than kubectl's) and step 6 failed with `the server doesn't have a resource
// type "sprockets"` (kubectl's cache older than the native one), as kubectl's
// own test/cmd run_resource_aliasing_tests did after run_ambiguous_shortname_tests.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlPlane } from '../helpers/control-plane.ts';
import { startProxiedControlPlane, type ProxiedControlPlane } from '../helpers/proxied-control-plane.ts';
import { KUBECTL, kubectl, sock, type Background, type RunResult } from '../helpers/processes.ts';

const NS = 'one-cache';
const GROUP = 'one-cache.example';
const CRD = `sprockets.${GROUP}`;

let cp: ControlPlane;
let proxy: Background & { address: string };
let world: ProxiedControlPlane | undefined;
let crdFile: string;
let sprocketFile: string;

test.before(async () => {
  world = await startProxiedControlPlane(async (c) => {
    cp = c;
    await cp.json('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    crdFile = join(cp.dir, 'sprocket-crd.yaml');
    writeFileSync(crdFile, JSON.stringify({
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: CRD },
      spec: {
        group: GROUP, scope: 'Namespaced',
        names: { plural: 'sprockets', singular: 'sprocket', kind: 'Sprocket', categories: ['all'] },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    }));
    sprocketFile = join(cp.dir, 'sprocket.yaml');
    writeFileSync(sprocketFile, JSON.stringify({ apiVersion: `${GROUP}/v1`, kind: 'Sprocket', metadata: { name: 'teeth', labels: { app: 'web' } } }));
  });
  proxy = world.proxy;
});

test.after(async () => {
  await world?.stop();
});

type Runner = (args: string[]) => Promise<RunResult>;

/** Waits until the server's aggregated discovery does (or does not) list the group: what a fetch then sees. */
async function untilDiscovery(listed: boolean): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const r = await cp.request('GET', '/apis');
    if (r.body.includes(`"${GROUP}"`) === listed) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`discovery still ${listed ? 'lacks' : 'lists'} ${GROUP}`);
}

/** A pod in category all for get/delete all to find (through the API: no cache involved). */
async function seedPod(): Promise<void> {
  await cp.json('POST', `/api/v1/namespaces/${NS}/pods`, {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', labels: { app: 'web' } },
    spec: { nodeName: cp.nodeName, automountServiceAccountToken: false, terminationGracePeriodSeconds: 0, containers: [{ name: 'app', image: 'example.invalid/web:1' }] },
  });
}

/** The sequence; `native` runs kubectl-sock's own get (or kubectl's get for the oracle), `passed` a passed-through verb. */
async function scenario(native: Runner, passed: Runner): Promise<Array<[string, RunResult]>> {
  await seedPod();
  const steps: Array<[string, RunResult]> = [];
  const step = async (name: string, run: Runner, args: string[]) => steps.push([name, await run(args)]);
  await step('0 get all (caches filled)', native, ['get', 'all', '-n', NS, '-o', 'name']);
  await step('1 create the CRD (passed through)', passed, ['create', '-f', crdFile]);
  await untilDiscovery(true);
  await step('2 create a Sprocket (passed through: a kind its cache lacks, so it refetches)', passed, ['create', '-n', NS, '-f', sprocketFile]);
  await step('3 get all (native, after the passed-through refetch)', native, ['get', 'all', '-n', NS, '-o', 'name']);
  await step('4 delete the CRD (passed through)', passed, ['delete', 'crd', CRD]);
  await untilDiscovery(false);
  await step('5 get an unknown type (native: refetches)', native, ['get', 'nosuchthings', '-n', NS]);
  await step('6 delete all (passed through, after the native refetch)', passed, ['delete', 'all', '-l', 'app=web', '-n', NS, '--wait=false']);
  await step('7 get all (native)', native, ['get', 'all', '-n', NS, '-o', 'name']);
  // Whatever the steps left goes, so the next run starts from the same state (the pod at once: grace 0, no kubelet).
  await cp.request('DELETE', `/api/v1/namespaces/${NS}/pods/web?gracePeriodSeconds=0`);
  if ((await cp.request('DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${CRD}`)).status === 200) await untilDiscovery(false);
  for (let i = 0; i < 100 && (await cp.request('GET', `/api/v1/namespaces/${NS}/pods/web`)).status !== 404; i++) await new Promise((done) => setTimeout(done, 100));
  return steps;
}

test('a CRD in category all made, used and deleted across native and passed-through commands: each step as kubectl alone', async () => {
  const ours = mkdtempSync(join(cp.dir, 'cache-sock-'));
  const theirs = mkdtempSync(join(cp.dir, 'cache-kubectl-'));
  const server = ['--server', `unix://${proxy.address}`];
  const sockEnv = { KUBECTL_SOCK_KUBECTL: KUBECTL, KUBECACHEDIR: ours };
  const viaSock = await scenario(
    (args) => sock([...server, ...args], { env: sockEnv }),
    (args) => sock([...server, ...(args[0] === 'get' ? ['--'] : []), ...args], { env: sockEnv }),
  );
  const alone: Runner = (args) => kubectl(['--kubeconfig', cp.kubeconfig, ...args], { env: { KUBECACHEDIR: theirs } });
  const viaKubectl = await scenario(alone, alone);
  const shown = (r: RunResult) => ({ stdout: r.stdout, stderr: r.stderr, code: r.code });
  const differ = viaSock.filter(([, got], i) => JSON.stringify(shown(got)) !== JSON.stringify(shown((viaKubectl[i] as [string, RunResult])[1])));
  for (const [name, got] of differ) {
    const want = (viaKubectl[viaSock.findIndex(([n]) => n === name)] as [string, RunResult])[1];
    assert.equal(shown(got), shown(want), `step ${name} (steps that differ: ${differ.map(([n]) => n.split(' ')[0]).join(', ')})`);
  }
  // The shapes the steps stand for: a sprocket listed once kubectl had fetched it, and a clean delete all.
  assert.match(viaSock[3]?.[1].stdout ?? '', /sprocket\.one-cache\.example\/teeth/);
  assert.equal(viaSock[6]?.[1].code, 0);
  // kubectl's folder for the relay is a link to the socket's folder: one cache on disk.
  const links = readdirSync(join(ours, 'discovery')).filter((n) => n.startsWith('127.0.0.1_'));
  assert.equal(links.length, 1, `one relay folder: ${links.join(', ')}`);
  assert.ok(lstatSync(join(ours, 'discovery', links[0] as string)).isSymbolicLink(), 'the relay folder is a link');
  rmSync(ours, { recursive: true, force: true });
  rmSync(theirs, { recursive: true, force: true });
});

test.run();
