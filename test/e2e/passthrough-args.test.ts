// Found by kubectl's own suite (test/kubectl-suite): a subcommand's own flag
// named like a global one (create rolebinding --user) stays with kubectl; and
// config verbs, which cli/route.ts sends to the real kubectl with no relay
// (test/unit/cli/route.test.ts), leave the kubeconfig kubectl leaves, with
// config set-cluster's own --server in it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { globalFlags } from '../../plugin/cli/global-flags.ts';
import { completePassthrough } from '../../plugin/commands/passthrough.ts';
import { KUBECTL, kubectl, sock } from '../helpers/processes.ts';
import { tempDir } from '../helpers/kubeconfig-builder.ts';

const globals = globalFlags('/home/u');

test("completePassthrough :: a subcommand's own --user (a binding's subject) stays with kubectl", () => {
  const o = completePassthrough(['--server', 'unix:///x.sock', 'create', 'clusterrolebinding', 'b', '--clusterrole=admin', '--user=alice', '--user', 'bob'], globals);
  assert.equal(o.args, ['create', 'clusterrolebinding', 'b', '--clusterrole=admin', '--user=alice', '--user', 'bob']);
  assert.is(o.invocation.flags.get('server'), 'unix:///x.sock');
  const s = completePassthrough(['set', 'subject', 'rolebinding/r', '--user=carol', '--context', 'c'], globals);
  assert.equal(s.args, ['set', 'subject', 'rolebinding/r', '--user=carol']);
  assert.is(s.invocation.flags.get('context'), 'c');
  // Elsewhere --user is still kubectl's global flag: the relay's identity replaces it.
  assert.equal(completePassthrough(['describe', 'pods', '--user=u'], globals).args, ['describe', 'pods']);
});

/** The same config edits through kubectl and through kubectl sock, each on its own kubeconfig. */
async function edits(run: typeof kubectl): Promise<{ out: string; file: string }> {
  const dir = tempDir();
  const env = { KUBECONFIG: join(dir, 'config'), KUBECTL_SOCK_KUBECTL: KUBECTL };
  let out = '';
  for (const args of [
    ['config', 'set-credentials', 'test-admin', '--token', 'admin-token'],
    ['config', 'set-cluster', 'local', '--server', 'unix:///run/kube.sock', '--insecure-skip-tls-verify'],
    ['config', 'set-context', 'test', '--user', 'test-admin', '--cluster', 'local'],
    ['config', 'use-context', 'test'],
    ['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'],
  ]) {
    const r = await run(args, { env });
    out += `${args.join(' ')} -> ${r.code}\n${r.stdout}${r.stderr}\n`;
  }
  return { out, file: readFileSync(join(dir, 'config'), 'utf8') };
}

test('config set-* :: the kubeconfig kubectl sock leaves is the one kubectl leaves, byte for byte', async () => {
  const want = await edits(kubectl);
  const got = await edits(sock);
  assert.fixture(got.out, want.out);
  assert.fixture(got.file, want.file);
  assert.ok(got.file.includes('unix:///run/kube.sock'));
});

test.run();
