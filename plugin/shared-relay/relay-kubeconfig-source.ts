import { basename, delimiter, dirname, resolve } from 'node:path';
import type { Ctx } from '../context.ts';
import type { KubeFlags } from '../kube/clientcmd/kubeconfig-types.ts';
import { stateRoot } from './state-dir.ts';

/** Flags that point a kubeconfig's context at another server or identity. */
const OVERRIDES: Array<keyof KubeFlags> = [
  'server', 'cluster', 'user', 'token', 'username', 'password', 'clientCertificate', 'clientKey', 'certificateAuthority',
  'insecureSkipTlsVerify', 'tlsServerName', 'as', 'asUid',
];

/**
 * The relay folder whose kubeconfig this run reads, if it reads one: in a
 * shell set up by `eval "$(kubectl sock env)"`, KUBECONFIG names a relay's
 * kubeconfig. kubectl-sock then uses that relay itself, rather than starting
 * a relay in front of it (whose upstream token would die with it).
 */
export function relayFolderOfKubeconfig(ctx: Ctx, flags: KubeFlags): string | undefined {
  const paths = flags.kubeconfig ? [flags.kubeconfig] : (ctx.env['KUBECONFIG'] ?? '').split(delimiter).filter(Boolean);
  if (paths.length !== 1) return undefined;
  if (OVERRIDES.some((k) => flags[k] !== undefined && flags[k] !== false) || (flags.asGroup?.length ?? 0) > 0) return undefined;
  const file = resolve(ctx.cwd, paths[0] as string);
  // Cheap before the state folder is even looked at: relay kubeconfigs are named kubeconfig-<id>.
  if (!/^kubeconfig-[0-9a-f]+$/.test(basename(file))) return undefined;
  return dirname(dirname(file)) === stateRoot(ctx) ? dirname(file) : undefined;
}
