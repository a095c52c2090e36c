// The kubectl-suite runner's reading of the suite's logs and its closing counts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { firstFailureOf, type FunctionResult, type Mode } from '../../kubectl-suite/suite.ts';
import { formatTable, summarize } from '../../kubectl-suite/table.ts';

const RED = '\x1b[1m\x1b[31m';
const RESET = '\x1b(B\x1b[m';

test('firstFailureOf :: the FAIL! block of hack/lib/test.sh, colours stripped, ended by caller', () => {
  const log = [
    'apply.sh:370: Successful get pods pod-c {{.metadata.name}}: pod-c',
    RED,
    'apply.sh:377: FAIL!',
    'Get crds {{range.items}}{{.metadata.name}}:{{end}}',
    '  Expected: ',
    '  Got:      examples.test.com:',
    `${RESET}${RED}`,
    '56 /k/hack/lib/test.sh',
  ].join('\n');
  assert.is(firstFailureOf(log), 'apply.sh:377: FAIL! | Get crds {{range.items}}{{.metadata.name}}:{{end}} | Expected: | Got:      examples.test.com:');
});

test("firstFailureOf :: if_has_string's FAIL! with its message, and errexit's line when no assertion failed", () => {
  assert.is(firstFailureOf('FAIL!\nmessage:Client Version: v0.1.0\nhas not:Kustomize\n28 /k/test/cmd/version.sh\n'), 'FAIL! | message:Client Version: v0.1.0 | has not:Kustomize');
  const errexit = "!!! Error in /k/test/cmd/rbac.sh:70\n  Error in /k/test/cmd/rbac.sh:70. 'kubectl create x' exited with status 1\nCall stack:\n";
  assert.is(firstFailureOf(errexit), "Error in /k/test/cmd/rbac.sh:70. 'kubectl create x' exited with status 1");
});

const r = (name: string, passed: boolean, seconds = 1): FunctionResult => ({ name, passed, seconds, firstFailure: passed ? '' : `${name} broke`, log: '' });

test('summarize :: ok only when every function kubectl passes passes for kubectl-sock or is listed with a reason', () => {
  const fns = ['a', 'b', 'c', 'd'];
  const runs = new Map<Mode, FunctionResult[]>([
    ['kubectl', [r('a', true, 2), r('b', true), r('c', false), r('d', true)]],
    ['sock', [r('a', true, 3), r('b', false), r('c', false), r('d', false)]],
  ]);
  const lists = { excluded: new Map([['c', 'needs a kubelet']]), socketOnly: new Map([['d', 'asserts on the -s URL']]), known: new Map<string, string>() };
  const bad = summarize(fns, runs, lists);
  assert.not.ok(bad.ok);
  assert.match(bad.text, /b: kubectl-sock failed it, kubectl passed it \(b broke\)/);
  assert.match(bad.text, /passed by kubectl \(control run\): 3\npassed by kubectl-sock: 1/);
  assert.match(bad.text, /kubectl 2s, kubectl-sock 3s \(1\.50x\)/);
  const good = summarize(fns, runs, { ...lists, known: new Map([['b', 'on purpose']]) });
  assert.ok(good.ok, good.text);
  // A listed reason that no longer holds is a problem too.
  const stale = summarize(fns, runs, { ...lists, known: new Map([['b', 'x'], ['a', 'y']]) });
  assert.match(stale.text, /a: kubectl-sock passed it: drop it from known-differences.tsv/);
  assert.match(formatTable(fns, runs, lists), /\| c \| FAIL \| 1\.0 \| FAIL \| 1\.0 \| excluded: needs a kubelet · kubectl: c broke · kubectl-sock: c broke \|/);
});

test.run();
