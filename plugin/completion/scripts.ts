import { bashScript } from './script-bash.ts';
import { fishScript } from './script-fish.ts';
import { powershellScript } from './script-powershell.ts';
import type { Shell } from './shells.ts';
import { zshScript } from './script-zsh.ts';

/** The completion script for a shell, completing `program` (its functions named after it, shell-safe). */
export function completionScript(shell: Shell, program: string): string {
  const fn = program.replace(/[^A-Za-z0-9_]/g, '_');
  switch (shell) {
    case 'bash':
      return bashScript(program, fn);
    case 'zsh':
      return zshScript(program, fn);
    case 'fish':
      return fishScript(program, fn);
    case 'powershell':
      return powershellScript(program);
  }
}
