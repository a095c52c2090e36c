// The sweep of issue #19: one row for every top-level verb of kubectl 1.33 (as
// `kubectl --help` lists them, plus alpha, options and help), every `config`
// subcommand, `plugin list`, and every global flag of `kubectl options`. Each
// row runs through kubectl-sock over kubectl proxy's unix socket beside kubectl
// 1.33 over TLS to the same server. A row is the same answer (stdout, stderr,
// exit code), or names the README's reason why it must differ and what differs.
import type { RunResult } from '../helpers/processes.ts';

export interface SweepRow {
  /** The verb or flag the row stands for. */
  covers: string;
  args: string[];
  /** Runs in twin namespaces (ours sw-sock, kubectl's sw-oracle): the verb changes things. */
  twins?: boolean;
  /** Runs on a copy of the kubeconfig for each side (config verbs that write it). */
  ownKubeconfig?: boolean;
  /** Runs with no flag before the verb (kubectl refuses flags before `help`, as before a plugin's name). */
  bare?: boolean;
  /** Masks what must differ and is beside the point (a relay's address, the plugin's version). */
  prep?: (text: string) => string;
  /** Must differ: the words the README's table of deliberate differences has for it, and what to check instead. */
  differs?: { readme: string; check(ours: RunResult, theirs: RunResult): boolean };
}

const relayUrl = (t: string) => t.replace(/https:\/\/127\.0\.0\.1:\d+/g, '<server>');
const clientVersion = (t: string) => t.replace(/^Client Version: .*\n(Kustomize Version: .*\n)?/m, 'Client Version: <client>\n');
const both = (code: number) => (o: RunResult, t: RunResult) => o.code === code && t.code === code;

export function verbRows(manifest: string, kustomization: string): SweepRow[] {
  return [
    { covers: 'create', args: ['create', 'configmap', 'sw-cm', '--from-literal=a=b'], twins: true },
    { covers: 'expose', args: ['expose', 'deployment', 'web', '--port=80', '--name=web-svc'], twins: true },
    { covers: 'run', args: ['run', 'sw-run', '--image=example.invalid/x:1', '--restart=Never'], twins: true },
    { covers: 'set', args: ['set', 'image', 'deployment/web', 'app=example.invalid/app:2'], twins: true },
    { covers: 'explain', args: ['explain', 'pods.spec.restartPolicy'] },
    { covers: 'get', args: ['get', 'deployments', '-o', 'wide'], twins: true },
    { covers: 'edit', args: ['edit', 'deployment', 'web'], twins: true },
    { covers: 'delete', args: ['delete', 'configmap', 'sw-cm'], twins: true },
    { covers: 'rollout', args: ['rollout', 'status', 'deployment/done'], twins: true },
    { covers: 'scale', args: ['scale', 'deployment', 'web', '--replicas=3'], twins: true },
    { covers: 'autoscale', args: ['autoscale', 'deployment', 'web', '--max=3'], twins: true },
    { covers: 'certificate', args: ['certificate', 'approve', 'sw-nosuch-csr'] },
    { covers: 'cluster-info', args: ['cluster-info'], prep: relayUrl },
    { covers: 'top', args: ['top', 'pods'], twins: true },
    { covers: 'cordon', args: ['cordon', 'NODE'], twins: true },
    { covers: 'uncordon', args: ['uncordon', 'NODE'], twins: true },
    { covers: 'drain', args: ['drain', 'NODE', '--ignore-daemonsets'], twins: true },
    { covers: 'taint', args: ['taint', 'nodes', 'NODE', 'sweep=x:NoSchedule'], twins: true },
    { covers: 'describe', args: ['describe', 'deployment', 'done'], twins: true },
    { covers: 'logs', args: ['logs', 'sw-nosuch-pod'], twins: true },
    { covers: 'attach', args: ['attach', 'sw-nosuch-pod'], twins: true },
    { covers: 'exec', args: ['exec', 'sw-nosuch-pod', '--', 'ls'], twins: true },
    { covers: 'port-forward', args: ['port-forward', 'pod/sw-nosuch-pod', '1'], twins: true },
    { covers: 'proxy', args: ['proxy', '--unix-socket=/tmp/x.sock', '--port=1'] },
    { covers: 'cp', args: ['cp', 'sw-nosuch-pod:/etc/hosts', '/tmp/ksock-sweep-cp'], twins: true },
    { covers: 'auth', args: ['auth', 'can-i', 'create', 'deployments'], twins: true },
    { covers: 'debug', args: ['debug', 'sw-nosuch-pod', '--image=example.invalid/x:1'], twins: true },
    // Warnings left out: kube-apiserver's ClusterIP repair loop may warn about the Service `expose` made in one
    // twin and not the other, as it may for kubectl's own run_kubectl_events_tests (test/kubectl-suite/excluded.tsv).
    { covers: 'events', args: ['events', '--types=Normal'], twins: true },
    { covers: 'diff', args: ['diff', '-f', manifest], twins: true },
    { covers: 'apply', args: ['apply', '-f', manifest], twins: true },
    { covers: 'patch', args: ['patch', 'deployment', 'web', '-p', '{"metadata":{"labels":{"swept":"yes"}}}'], twins: true },
    { covers: 'replace', args: ['replace', '-f', manifest], twins: true },
    { covers: 'wait', args: ['wait', '--for=delete', 'pod/sw-nosuch-pod', '--timeout=1s'], twins: true },
    { covers: 'kustomize', args: ['kustomize', kustomization] },
    { covers: 'label', args: ['label', 'deployment', 'web', 'tier=swept'], twins: true },
    { covers: 'annotate', args: ['annotate', 'deployment', 'web', 'note=swept'], twins: true },
    {
      covers: 'completion', args: ['completion', 'bash'],
      differs: { readme: '`completion` writes the script that completes `kubectl-sock`', check: (o) => o.code === 0 && o.stdout.includes('kubectl-sock __complete') },
    },
    { covers: 'api-resources', args: ['api-resources', '--api-group=apps'] },
    { covers: 'api-versions', args: ['api-versions'] },
    { covers: 'plugin', args: ['plugin', 'list', '--name-only'] },
    { covers: 'version', args: ['version'], prep: clientVersion },
    { covers: 'alpha', args: ['alpha'] },
    { covers: 'options', args: ['options'] },
    {
      covers: 'help', args: ['help'], bare: true,
      differs: { readme: '`kubectl sock help` adds a part on kubectl-sock', check: (o, t) => both(0)(o, t) && o.stdout.includes(t.stdout.split('\n')[0] as string) && o.stdout.endsWith('Use "kubectl sock help sock" for kubectl-sock\'s own help.\n') },
    },
  ];
}

/** Every `config` subcommand, in an order that leaves each step something to act on. */
export const CONFIG_ROWS: SweepRow[] = [
  [], ['current-context'], ['get-contexts'], ['get-clusters'], ['get-users'], ['view'],
  ['set-cluster', 'extra', '--server=https://127.0.0.1:1'], ['set-credentials', 'extra-user', '--token=t'],
  ['set-context', 'extra-ctx', '--cluster=extra', '--user=extra-user'], ['use-context', 'extra-ctx'], ['set', 'contexts.extra-ctx.namespace', 'team'],
  ['unset', 'contexts.extra-ctx.namespace'], ['rename-context', 'extra-ctx', 'renamed-ctx'], ['delete-context', 'renamed-ctx'],
  ['delete-user', 'extra-user'], ['delete-cluster', 'extra'],
].map((rest) => ({ covers: rest[0] ? `config ${rest[0]}` : 'config', args: ['config', ...rest], ownKubeconfig: true }));

/** Every global flag, on a native verb (get) and, where it matters, a passed-through one (describe). */
export function globalFlagRows(missing: string): SweepRow[] {
  const rows: SweepRow[] = [
    { covers: '--as', args: ['get', 'pods', '--as=sweep-nobody'] },
    { covers: '--as-group', args: ['describe', 'pods', '--as=sweep-nobody', '--as-group=sweepers'] },
    { covers: '--as-uid', args: ['get', 'pods', '--as=sweep-nobody', '--as-uid=u-1'] },
    { covers: '--cache-dir', args: ['get', 'ns', 'default', '-o', 'name'] },
    { covers: '--certificate-authority', args: ['get', 'pods', `--certificate-authority=${missing}`] },
    { covers: '--client-certificate', args: ['describe', 'pods', `--client-certificate=${missing}`, `--client-key=${missing}`] },
    { covers: '--client-key', args: ['get', 'pods', `--client-key=${missing}`] },
    { covers: '--cluster', args: ['get', 'pods', '--cluster=ksock'] },
    { covers: '--context', args: ['describe', 'ns', 'default', '--context=ksock'] },
    { covers: '--disable-compression', args: ['get', 'ns', '--disable-compression'] },
    { covers: '--insecure-skip-tls-verify', args: ['get', 'ns', 'default', '--insecure-skip-tls-verify'] },
    { covers: '--kubeconfig', args: ['get', 'ns', 'kube-system'] },
    { covers: '--log-flush-frequency', args: ['get', 'ns', 'default', '--log-flush-frequency=1s'] },
    {
      covers: '--match-server-version', args: ['get', 'ns', '--match-server-version'],
      differs: { readme: '`--match-server-version` compares the server with kubectl-sock\'s own version', check: (o, t) => o.code === 1 && t.code === 1 && /differs from client version \(version\.Info\{Major:"0"/.test(o.stderr) },
    },
    { covers: '--namespace', args: ['get', 'pods', '-n', 'sw-sock', '--namespace=kube-system'] },
    { covers: '--password', args: ['get', 'pods', '--username=u', '--password=p'] },
    { covers: '--profile', args: ['get', 'ns', 'default', '--profile=none'] },
    { covers: '--profile-output', args: ['get', 'ns', 'default', '--profile-output=/nonexistent-ksock/p.pprof'] },
    { covers: '--request-timeout', args: ['describe', 'ns', 'default', '--request-timeout=30s'] },
    { covers: '--server', args: ['get', 'ns', 'kube-public'] },
    {
      covers: '--tls-server-name', args: ['get', 'ns', 'default', '-o', 'name', '--tls-server-name=sweep-nosuch'],
      differs: { readme: 'TLS flags do not apply to a plaintext socket', check: (o, t) => o.code === 0 && t.code === 1 },
    },
    {
      covers: '--token', args: ['get', 'ns', 'default', '-o', 'name', '--token=sweep-bad-token'],
      differs: { readme: 'credentials are never sent over a plaintext socket', check: (o, t) => o.code === 0 && t.code === 1 },
    },
    { covers: '--user', args: ['get', 'pods', '--user=admin'] },
    { covers: '--username', args: ['describe', 'pods', '--username=u'] },
    { covers: '--v', args: ['get', 'ns', 'default', '-v=0'] },
    { covers: '--vmodule', args: ['get', 'ns', 'default', '--vmodule=get*=1'] },
    { covers: '--warnings-as-errors', args: ['get', 'ns', 'default', '--warnings-as-errors'] },
  ];
  return rows;
}
