// Differences kubectl's own CLI suite (test/kubectl-suite) found between
// kubectl-sock and kubectl, each pinned here as a parity case on the real API
// server (kubectl-sock over each transport versus kubectl 1.33 over TLS), so
// that a fix stays fixed without running the whole suite.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { BINARY, KUBECTL, kubectl, sock, startBackground } from '../helpers/processes.ts';
import { assertParity, maskAges, oracle, startTransports, type Transports } from './parity.ts';

let cp: ControlPlane;
let via: Transports;
let dir: string;
const env = { KUBECTL_SOCK_KUBECTL: KUBECTL };

test.before(async () => {
  cp = await startControlPlane();
  try {
    via = await startTransports(cp);
  } catch (err) {
    await cp.stop();
    throw err;
  }
  dir = tempDir();
  // hack/testdata/kubernetes-service.yaml's object: the service the apiserver itself keeps.
  writeFileSync(join(dir, 'svc.yaml'), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: kubernetes\n  namespace: default\nspec:\n  ports:\n  - port: 443\n');
  writeFileSync(join(dir, 'missing.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-there\n  namespace: default\n');
});

test.after(async () => {
  await via?.stop();
  await cp?.stop();
});

test('get -f :: kubectl reads the file and gets the objects, through the relay', async () => {
  await assertParity(cp, via.all, ['get', '-f', join(dir, 'svc.yaml'), '-o', 'name'], { env });
  await assertParity(cp, via.all, ['get', '-f', join(dir, 'svc.yaml'), '-o', 'jsonpath={.spec.ports[0].port}'], { env });
  await assertParity(cp, via.all, ['get', '--filename', join(dir, 'missing.yaml')], { env });
  await assertParity(cp, via.all, ['get', '-R', '-f', dir, '-o', 'name', '--ignore-not-found'], { env });
});

test("create clusterrolebinding --user :: the binding's subject, not the kubeconfig user (cobra's shadowing)", async () => {
  const args = ['create', 'clusterrolebinding', 'super-admin', '--dry-run=client', '--clusterrole=admin', '--user=super-admin', '-o', 'yaml'];
  await assertParity(cp, via.all, args, { env });
  await assertParity(cp, via.all, ['create', 'rolebinding', 'rb', '--dry-run=client', '--role=r', '--user=u1', '--user', 'u2', '-o', 'name'], { env });
});

test('proxy --www :: kubectl proxy serves the static files beside the API, through the relay', async () => {
  writeFileSync(join(dir, 'hello.txt'), 'hello\n');
  const bg = await startBackground(BINARY, ['--server', via.sockProxy.flags[1] as string, 'proxy', '--port=0', `--www=${dir}`], /^Starting to serve on /, { env });
  try {
    const base = `http://${bg.line.replace('Starting to serve on ', '').trim()}`;
    const file = await fetch(`${base}/static/hello.txt`);
    assert.is(file.status, 200);
    assert.is(await file.text(), 'hello\n');
    const version = (await (await fetch(`${base}/version`)).json()) as { gitVersion: string };
    assert.is(version.gitVersion, cp.version);
  } finally {
    await bg.stop();
  }
});

/** A namespaced CRD with one short name, as discovery.sh's run_ambiguous_shortname_tests makes them. */
function crd(group: string, plural: string, kind: string, shortName: string): string {
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ${plural}.${group}}
spec:
  group: ${group}
  scope: Namespaced
  names: {plural: ${plural}, singular: ${kind.toLowerCase()}, kind: ${kind}, shortNames: [${shortName}]}
  versions:
  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
---
`;
}

test('short names :: kubectl\'s warning when a short name also matches a lower priority resource', async () => {
  writeFileSync(join(dir, 'crds.yml'), crd('bar.com', 'foos', 'Foo', 'exmp') + crd('test.com', 'examples', 'Example', 'exmp'));
  for (const args of [['apply', '-f', join(dir, 'crds.yml')], ['wait', '--for', 'condition=established', 'crd/foos.bar.com', 'crd/examples.test.com']]) {
    const r = await oracle(cp, args);
    assert.is(r.code, 0, r.stderr);
  }
  await assertParity(cp, via.all, ['get', 'exmp'], { env });
  await assertParity(cp, via.all, ['get', 'exmp.test.com', '-o', 'name'], { env });
  await assertParity(cp, via.all, ['get', 'examples,exmp', '-A'], { env });
});

test('group prefix :: a name with the start of its group (hpa.autoscal, deployments.app), as the RESTMapper matches it', async () => {
  await assertParity(cp, via.all, ['get', 'hpa.autoscal', '-A'], { env });
  await assertParity(cp, via.all, ['get', 'deploy.app', '-A', '-o', 'name'], { env });
  await assertParity(cp, via.all, ['get', 'deployments.app'], { env });
  await assertParity(cp, via.all, ['get', 'storageclass.storage', 'clusterrole.rbac', '-o', 'name'], { env });
  await assertParity(cp, via.all, ['get', 'pods.apps'], { env });
});

test("--record :: the change-cause names kubectl as the user typed it, not the real binary's file name (kubectl.1.33)", async () => {
  writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: recorded\n  namespace: default\ndata:\n  a: b\n');
  const applied = await sock([...via.sockProxy.flags, 'apply', '-f', join(dir, 'cm.yaml'), '--record'], { env });
  assert.is(applied.code, 0, applied.stderr);
  const cause = await oracle(cp, ['get', 'configmap', 'recorded', '-o', 'jsonpath={.metadata.annotations.kubernetes\\.io/change-cause}']);
  assert.is(cause.stdout, `kubectl apply --filename=${join(dir, 'cm.yaml')} --record=true`);
});

test('--context naming no context :: kubectl checks the configuration first where the namespace comes from it (Namespace() → ConfirmUsable)', async () => {
  for (const args of [
    ['get', 'pod', '--context=missing-context'],
    ['get', 'pod', '-A', '--context=missing-context'],
    ['logs', 'p', '--context=missing-context'],
    ['describe', 'pod', '--context=missing-context'],
    ['get', 'pod', '-n', 'x', '--context=missing-context'],
    ['get', 'pod', '--cluster=missing-cluster'],
    ['get', 'pod', '--cluster=missing-cluster', '--user=missing-user'],
    ['get', 'pod', '-n', 'x', '--cluster=missing-cluster', '--user=missing-user'],
    ['get', 'pod', '--context=missing-context', '--cluster=missing-cluster'],
    ['version', '--cluster=missing-cluster', '--context=missing-context'],
  ]) {
    await assertParity(cp, via.all, args, { env });
  }
});

test('server warnings :: "Warning: …" on stderr once each, and --warnings-as-errors fails the command after it ran', async () => {
  const crdYaml = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: deprecateds.dep.example.com}
spec:
  group: dep.example.com
  scope: Namespaced
  names: {plural: deprecateds, singular: deprecated, kind: DeprecatedKind}
  versions:
  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
  - {name: v1beta1, served: true, storage: false, deprecated: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
`;
  writeFileSync(join(dir, 'deprecated.yml'), crdYaml);
  for (const args of [['apply', '-f', join(dir, 'deprecated.yml')], ['wait', '--for', 'condition=established', 'crd/deprecateds.dep.example.com']]) {
    const r = await oracle(cp, args);
    assert.is(r.code, 0, r.stderr);
  }
  const [ours] = await assertParity(cp, via.all, ['get', 'deprecated.v1beta1.dep.example.com'], { env });
  assert.match(ours?.stderr ?? '', /^Warning: dep.example.com\/v1beta1 DeprecatedKind is deprecated/);
  await assertParity(cp, via.all, ['get', 'deprecated.v1beta1.dep.example.com', '--warnings-as-errors'], { env });
  await assertParity(cp, via.all, ['get', 'deprecated.v1beta1.dep.example.com', '-o', 'json', '--warnings-as-errors'], { env });
  await assertParity(cp, via.all, ['get', 'deprecated.v1.dep.example.com', '--warnings-as-errors'], { env });
});

test('kubeconfig kind :: a file that is not v1 Config is kubectl\'s "error loading config file … no kind … is registered"', async () => {
  const text = readFileSync(cp.kubeconfig, 'utf8');
  writeFileSync(join(dir, 'v-1.yaml'), text.replace(/^apiVersion: .*$/m, 'apiVersion: v-1'));
  writeFileSync(join(dir, 'foo-kind.yaml'), text.replace(/^kind: .*$/m, 'kind: Foo'));
  for (const file of ['v-1.yaml', 'foo-kind.yaml']) {
    await assertParity(cp, via.all, ['get', 'pods', '--context=', '--user=', `--kubeconfig=${join(dir, file)}`], { env });
  }
});

test('kuberc :: with KUBECTL_KUBERC=true, kubectl applies its preferences to get too (kubectl-sock hands such a command to kubectl)', async () => {
  const kuberc = join(dir, 'kuberc');
  writeFileSync(kuberc, 'apiVersion: kubectl.config.k8s.io/v1alpha1\nkind: Preference\noverrides:\n- command: get\n  flags:\n  - name: output\n    default: name\n');
  const on = { ...env, KUBECTL_KUBERC: 'true' };
  // assertParity's oracle runs without the environment: compare by hand, kubectl with the same one.
  for (const [args, extra] of [
    [['get', 'ns', 'default', '--kuberc', kuberc], {}],
    [['get', 'ns', 'default'], { KUBERC: kuberc }],
    [['get', 'ns', 'default', '-o', 'jsonpath={.metadata.name}', `--kuberc=${kuberc}`], {}],
  ] as const) {
    const want = await kubectl(['--kubeconfig', cp.kubeconfig, ...args], { env: { ...on, ...extra } });
    assert.is(want.code, 0, want.stderr);
    for (const t of via.all) {
      const got = await sock([...t.flags, ...args], { env: { ...on, ...extra } });
      // AGE ticks between the two runs.
      assert.equal([maskAges(got.stdout), got.stderr, got.code], [maskAges(want.stdout), want.stderr, want.code], `${args.join(' ')} (${t.name})`);
    }
  }
  assert.is((await sock([...via.sockProxy.flags, 'get', 'ns', 'default', '--kuberc', kuberc], { env: on })).stdout, 'namespace/default\n');
  // Without the gate, kubectl 1.33 does not know the flag, and neither does kubectl sock get.
  await assertParity(cp, via.all, ['get', 'ns', 'default', '--kuberc', kuberc], { env });
});

test.run();
