/** The shells `kubectl sock env` writes for (zsh reads bash's lines). */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;

export type Shell = (typeof SHELLS)[number];

/**
 * Where `env` keeps the KUBECONFIG it replaced, so that `env --unset` puts
 * it back rather than leaving the shell on ~/.kube/config.
 */
export const SAVED_KUBECONFIG = 'KUBECTL_SOCK_SAVED_KUBECONFIG';

/** The shell of $SHELL, as docker-machine env guesses it; bash's lines otherwise. */
export function detectShell(env: Readonly<Record<string, string | undefined>>): Shell {
  const name = (env['SHELL'] ?? '').split('/').pop() ?? '';
  return (SHELLS as readonly string[]).includes(name) ? (name as Shell) : 'bash';
}

/** A word quoted for the shell: single quotes, which neither shell expands inside. */
function quote(shell: Shell, s: string): string {
  if (shell === 'fish') return `'${s.replace(/[\\']/g, '\\$&')}'`;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const setLine = (shell: Shell, name: string, value: string) =>
  shell === 'fish' ? `set -gx ${name} ${quote(shell, value)};` : `export ${name}=${quote(shell, value)};`;
const unsetLine = (shell: Shell, name: string) => (shell === 'fish' ? `set -e ${name};` : `unset ${name};`);

export interface ExportLines {
  kubeconfig: string;
  /** The KUBECONFIG being replaced (undefined: none, or the shell is already on a relay). */
  save?: string;
  /** A comment saying what the relay is, shown when the lines are printed rather than evaluated. */
  about: string;
  /** The command line that printed this, for the "run this" hint. */
  command: string;
}

/**
 * The lines `eval "$(kubectl sock env)"` runs, worded after docker-machine
 * env and minikube docker-env: the variables, then comments saying what
 * they do and how to apply them.
 */
export function exportLines(shell: Shell, x: ExportLines): string {
  const lines = [setLine(shell, 'KUBECONFIG', x.kubeconfig)];
  if (x.save !== undefined) lines.push(setLine(shell, SAVED_KUBECONFIG, x.save));
  lines.push(`# ${x.about}`, '# Run this command to configure your shell:', shell === 'fish' ? `# ${x.command} | source` : `# eval "$(${x.command})"`);
  return `${lines.join('\n')}\n`;
}

/** `env --unset`: the KUBECONFIG from before `env`, or none. */
export function unsetLines(shell: Shell, env: Readonly<Record<string, string | undefined>>): string {
  const saved = env[SAVED_KUBECONFIG];
  const lines = saved ? [setLine(shell, 'KUBECONFIG', saved), unsetLine(shell, SAVED_KUBECONFIG)] : [unsetLine(shell, 'KUBECONFIG')];
  return `${lines.join('\n')}\n`;
}
