// kubectl-sock against a REAL kube-apiserver (test/helpers/control-plane.ts):
// `version` and `get` through real `kubectl proxy --unix-socket`, through
// `kubectl sock proxy --unix-socket` and over kubectl-sock's own TLS, each
// compared with kubectl over TLS to the same server: real discovery, real
// server-side tables (the CRD's printer columns included), real Status errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';
import { seedCluster, DEPLOYMENT, SHOP, TOOLS, WIDGETS, GADGETS, CRD_GROUP } from '../helpers/seed-cluster.ts';
import { sock, sockClientLines } from '../helpers/processes.ts';
import { assertParity, oracle, startTransports, type Transports } from './parity.ts';

let cp: ControlPlane;
let via: Transports;

test.before(async () => {
  cp = await startControlPlane();
  try {
    // No logs here: the Node points at a closed port.
    await seedCluster(cp, { kubeletPort: 1 });
    via = await startTransports(cp);
  } catch (err) {
    await cp.stop();
    throw err;
  }
});

test.after(async () => {
  await via?.stop();
  await cp?.stop();
});

test('version :: the real server version through every transport', async () => {
  const theirs = await oracle(cp, ['version']);
  const serverLine = theirs.stdout.split('\n').find((l) => l.startsWith('Server Version: '));
  assert.is(serverLine, `Server Version: ${cp.version}`);
  for (const t of via.all) {
    const r = await sock([...t.flags, 'version']);
    assert.is(r.stdout, `${await sockClientLines()}${serverLine}\n`, t.name);
    assert.is(r.stderr, '', t.name);
    assert.is(r.code, 0, t.name);
  }
});

test('version -o json :: serverVersion as kubectl decodes it', async () => {
  const theirs = JSON.parse((await oracle(cp, ['version', '-o', 'json'])).stdout);
  for (const t of via.all) {
    const r = await sock([...t.flags, 'version', '-o', 'json']);
    assert.equal(JSON.parse(r.stdout).serverVersion, theirs.serverVersion, t.name);
  }
});

/** get invocations compared on every transport. */
const GET_CASES: string[][] = [
  ['get', 'pods'],
  ['get', 'pods', '-n', SHOP],
  ['get', 'pods', '-A', '-o', 'wide'],
  ['get', 'pods', '-n', SHOP, '--show-labels'],
  ['get', 'pods', '-n', SHOP, '-l', 'app=web'],
  ['get', 'pods', '-A', '--field-selector', 'status.phase=Pending'],
  ['get', 'pods', '-n', SHOP, '-o', 'name'],
  ['get', 'pod', 'multi', '-n', SHOP, '-o', 'yaml'],
  ['get', 'pod', 'multi', '-n', SHOP, '-o', 'json'],
  ['get', 'pod/multi', 'pod/two', '-n', SHOP],
  ['get', 'all', '-A'],
  ['get', 'all', '-n', SHOP],
  ['get', 'deploy,rs,svc', '-n', SHOP],
  ['get', `deployment/${DEPLOYMENT.name}`, '-n', SHOP, '-o', 'wide'],
  ['get', 'svc', '-A', '-o', 'wide'],
  ['get', 'configmaps', '-A'],
  ['get', 'nodes'],
  ['get', 'nodes', '-o', 'wide'],
  ['get', 'namespaces'],
  // Server-side printing of a custom type: string, integer, boolean, date columns; -o wide adds the priority-1 ones.
  ['get', WIDGETS.plural, '-A'],
  ['get', WIDGETS.shortName, '-n', SHOP, '-o', 'wide'],
  ['get', `${WIDGETS.plural}.${CRD_GROUP}`, 'alpha', '-n', SHOP],
  ['get', `${WIDGETS.singular}/beta`, '-n', SHOP, '-o', 'wide'],
  ['get', WIDGETS.category, '-A'],
  ['get', WIDGETS.plural, '-n', TOOLS, '-o', 'json'],
  ['get', GADGETS.plural],
  // Errors and empty answers.
  ['get', 'pod', 'nope'],
  ['get', 'pods', 'hello', 'nope'],
  ['get', WIDGETS.plural, 'nope', '-n', SHOP],
  ['get', 'foos'],
  ['get', 'pods', '-n', 'nowhere'],
  ['get', 'pod', 'nope', '--ignore-not-found'],
];

for (const args of GET_CASES) {
  test(`parity :: kubectl ${args.join(' ')}`, async () => {
    await assertParity(cp, via.all, args);
  });
}

test('parity :: NotFound and unknown type print kubectl\'s words', async () => {
  const [notFound] = await assertParity(cp, via.kubectlProxy, ['get', 'pod', 'nope']);
  assert.is(notFound?.stderr, 'Error from server (NotFound): pods "nope" not found\n');
  assert.is(notFound?.code, 1);
  const [unknown] = await assertParity(cp, via.kubectlProxy, ['get', 'foos']);
  assert.is(unknown?.stderr, 'error: the server doesn\'t have a resource type "foos"\n');
  assert.is(unknown?.code, 1);
});

test('custom columns :: -o wide shows the priority-1 columns, the default view hides them', async () => {
  const plain = await sock([...via.kubectlProxy.flags, 'get', WIDGETS.plural, '-n', SHOP]);
  const wide = await sock([...via.kubectlProxy.flags, 'get', WIDGETS.plural, '-n', SHOP, '-o', 'wide']);
  assert.match(plain.stdout, /^NAME +COLOR +SIZE +ENABLED +PHASE +SINCE +AGE\n/);
  assert.match(wide.stdout, /^NAME +COLOR +SIZE +ENABLED +PHASE +SINCE +OWNER +WEIGHT +AGE\n/);
  assert.match(wide.stdout, /\nalpha +red +3 +true +Ready +\d+d +alice +0\.5 +\S+\n/);
});

test.run();
