// cobra's shell completion protocol (spf13/cobra completions.go): the program
// prints one candidate a line (`value<TAB>description`), then `:<directive>`;
// the shell scripts and kubectl's plugin completion read exactly that.

/** cobra's ShellCompDirective bits. */
export const Directive = {
  Default: 0,
  Error: 1,
  NoSpace: 2,
  NoFileComp: 4,
  FilterFileExt: 8,
  FilterDirs: 16,
  KeepOrder: 32,
} as const;

const NAMES: [number, string][] = [
  [Directive.Error, 'ShellCompDirectiveError'],
  [Directive.NoSpace, 'ShellCompDirectiveNoSpace'],
  [Directive.NoFileComp, 'ShellCompDirectiveNoFileComp'],
  [Directive.FilterFileExt, 'ShellCompDirectiveFilterFileExt'],
  [Directive.FilterDirs, 'ShellCompDirectiveFilterDirs'],
  [Directive.KeepOrder, 'ShellCompDirectiveKeepOrder'],
];

/** What one completion request produced. */
export interface Completion {
  /** `value` or `value\tdescription`, in the order the shell should see them. */
  candidates: string[];
  directive: number;
  /** cobra's CompErrorln: shown on stderr only, the completion still answers. */
  error?: string;
}

/** ShellCompDirective.string(): the names of the bits set, as cobra's stderr line shows them. */
export function directiveNames(d: number): string {
  if (d >= 64) return `ERROR: unexpected ShellCompDirective value: ${d}`;
  const names = NAMES.filter(([bit]) => (d & bit) !== 0).map(([, name]) => name);
  return names.length > 0 ? names.join(', ') : 'ShellCompDirectiveDefault';
}

/**
 * The `__complete` command's stdout: each candidate cut at its first newline
 * and trimmed (a trailing tab would make zsh show an empty description), the
 * description dropped for `__completeNoDesc`, then `:<directive>`.
 */
export function formatCompletion(c: Completion, descriptions: boolean): string {
  let out = '';
  for (const candidate of c.candidates) {
    let line = descriptions ? candidate : (candidate.split('\t')[0] as string);
    line = (line.split('\n')[0] as string).trim();
    out += `${line}\n`;
  }
  return `${out}:${c.directive}\n`;
}

/** The stderr lines cobra prints: the error, if any, then which directive ended the completion. */
export function formatCompletionDiagnostics(c: Completion): string {
  const error = c.error ? `[Debug] [Error] ${c.error}\n` : '';
  return `${error}Completion ended with directive: ${directiveNames(c.directive)}\n`;
}
