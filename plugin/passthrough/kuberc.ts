import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether kubectl would apply kuberc preferences (aliases, default flags) to
 * this command line: kubectl 1.33 reads them only with KUBECTL_KUBERC=true,
 * from --kuberc, else $KUBERC ("off" turns it off), else ~/.kube/kuberc.
 * kubectl-sock's own commands do not implement preferences, so such a command
 * runs in the real kubectl, through the relay.
 */
export function kubercApplies(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, home: string): boolean {
  if (env['KUBECTL_KUBERC'] !== 'true') return false;
  const dash = argv.indexOf('--');
  const flags = dash < 0 ? argv : argv.slice(0, dash);
  if (flags.some((a) => a === '--kuberc' || a.startsWith('--kuberc='))) return true;
  const fromEnv = env['KUBERC'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv !== 'off';
  return existsSync(join(home, '.kube', 'kuberc'));
}
