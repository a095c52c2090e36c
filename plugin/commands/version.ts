import type { Ctx } from '../context.ts';
import { UsageError } from '../errors.ts';
import { flagBool, flagString, type CommandSpec, type Invocation } from '../cli/command.ts';
import { newFactory, type Factory } from './factory.ts';
import { buildDate, gitCommit, platform, runtimeVersion, version } from '../version-info.ts';

/** Resolved options of `kubectl sock version` (kubectl's VersionOptions). */
export interface VersionOptions {
  clientOnly: boolean;
  output: string;
}

/** complete: flags to options. */
export function completeVersion(inv: Invocation): VersionOptions {
  return { clientOnly: flagBool(inv, 'client'), output: flagString(inv, 'output') };
}

/** validate: kubectl version's own checks. */
export function validateVersion(o: VersionOptions): void {
  if (o.output !== '' && o.output !== 'yaml' && o.output !== 'json') {
    throw new UsageError("--output must be 'yaml' or 'json'");
  }
}

type Info = Record<string, string>;

const alwaysPresent = new Set(['major', 'minor', 'gitVersion', 'gitCommit', 'gitTreeState', 'buildDate', 'goVersion', 'compiler', 'platform']);

export function clientVersionInfo(): Info {
  const [major = '0', minor = '0'] = version.replace(/^v/, '').split('.');
  return {
    major,
    minor,
    gitVersion: version,
    gitCommit,
    gitTreeState: 'clean',
    buildDate,
    nodeVersion: runtimeVersion(),
    compiler: 'node-sea',
    platform: platform(),
  };
}

/** run: fetch /version unless --client, print as kubectl does, then report the server error if any. */
export async function runVersion(ctx: Ctx, f: Factory, o: VersionOptions): Promise<number> {
  const result: { clientVersion: Info; kustomizeVersion?: string; serverVersion?: Info } = { clientVersion: clientVersionInfo() };
  result.kustomizeVersion = await kustomizeVersion(ctx);
  let serverErr: unknown;
  // kubectl builds its client (configuration, --match-server-version, TLS files) before printing anything.
  if (!o.clientOnly) {
    const [config, { checkTlsConfig }] = await Promise.all([f.restConfig(), import('../transport/dispatcher.ts')]);
    await checkTlsConfig(config.address, config.tls);
  }
  if (!o.clientOnly) {
    try {
      result.serverVersion = await fetchServerVersion(f);
    } catch (err) {
      serverErr = err;
    }
  }
  const out = ctx.streams.out;
  if (o.output === '') {
    out.write(`Client Version: ${result.clientVersion['gitVersion']}\n`);
    if (result.kustomizeVersion) out.write(`Kustomize Version: ${result.kustomizeVersion}\n`);
    if (result.serverVersion) out.write(`Server Version: ${result.serverVersion['gitVersion'] ?? ''}\n`);
  } else if (o.output === 'json') {
    out.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const { toKubectlYaml } = await import('../kube/yaml-output.ts');
    // kubectl prints the marshalled YAML with Println: one extra newline.
    out.write(`${toKubectlYaml(result)}\n`);
  }
  if (serverErr) throw serverErr;
  return 0;
}

/**
 * The kustomize kubectl-sock uses: `kustomize` and `apply -k` run in the real
 * kubectl, so its embedded kustomize's module version, as kubectl version reads
 * it from its own build information; none without a real kubectl (no line).
 */
async function kustomizeVersion(ctx: Ctx): Promise<string | undefined> {
  const [{ findRealKubectl }, { readGoModuleVersions }] = await Promise.all([
    import('../passthrough/kubectl-path.ts'), import('../passthrough/go-buildinfo.ts'),
  ]);
  let kubectl: string;
  try {
    kubectl = findRealKubectl(ctx.env, ctx.execPath, ctx.cwd);
  } catch {
    return undefined;
  }
  const deps = readGoModuleVersions(kubectl);
  return deps?.get('sigs.k8s.io/kustomize/kustomize/v5') ?? deps?.get('sigs.k8s.io/kustomize/kustomize/v4');
}

async function fetchServerVersion(f: Factory): Promise<Info> {
  const client = await f.client();
  // The discovery client's default timeout, as kubectl sends it.
  const { fetchVersionInfo, VERSION_INFO_FIELDS } = await import('../kube/discovery/server-version.ts');
  const raw = await fetchVersionInfo(client);
  const info: Info = {};
  for (const k of VERSION_INFO_FIELDS) {
    const v = raw[k];
    if (typeof v === 'string' && (v !== '' || alwaysPresent.has(k))) info[k] = v;
    else if (alwaysPresent.has(k)) info[k] = '';
  }
  return info;
}

export const versionCommand: CommandSpec = {
  name: 'version',
  short: 'Print the client and server version information',
  long: 'Print the client and server version information for the current context.',
  examples: '  # Print the client and server versions for the current context\n  kubectl sock version',
  usage: 'version [flags] [options]',
  flags: [
    { name: 'client', kind: 'bool', usage: 'If true, shows client version only (no server required).' },
    { name: 'output', short: 'o', kind: 'string', usage: "One of 'yaml' or 'json'." },
  ],
  async run(ctx, inv) {
    const o = completeVersion(inv);
    validateVersion(o);
    const f = newFactory(ctx, inv);
    try {
      return await runVersion(ctx, f, o);
    } finally {
      await f.close();
    }
  },
};
