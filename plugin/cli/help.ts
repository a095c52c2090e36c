import type { CommandSpec } from './command.ts';
import type { FlagDef } from './flags.ts';

/** One flag as kubectl's help prints it (kubectl pkg/util/templates HelpFlagPrinter, no wrapping off a terminal). */
export function formatFlag(f: FlagDef): string {
  const def = f.defValue ?? defaultText(f);
  const value = f.kind === 'string' && !f.bareDefault ? `'${def}'` : def;
  const head = f.short ? `    -${f.short}, --${f.name}=${value}:` : `    --${f.name}=${value}:`;
  return `${head}\n\t${f.usage.replace(/\n/g, '\n\t')}\n\n`;
}

function defaultText(f: FlagDef): string {
  switch (f.kind) {
    case 'bool':
      return 'false';
    case 'stringArray':
    case 'stringSlice':
      return '[]';
    case 'duration':
      return '0s';
    case 'int':
      return '0';
    default:
      return '';
  }
}

/** A command's help, laid out as kubectl's (LongDesc, Examples, Options, Usage, the options hint). */
export function commandHelp(spec: CommandSpec): string {
  let s = `${spec.long}\n\n`;
  if (spec.examples) s += `Examples:\n${spec.examples}\n\n`;
  const flags = spec.flags.filter((f) => !f.hidden).sort(byName);
  if (flags.length > 0) s += `Options:\n${flags.map(formatFlag).join('')}`;
  s += `Usage:\n  kubectl sock ${spec.usage}\n\n`;
  s += 'Use "kubectl sock options" for a list of global command-line options (applies to all commands).\n';
  return s;
}

/** `kubectl sock options`, as `kubectl options`. */
export function optionsHelp(globals: readonly FlagDef[]): string {
  const flags = globals.filter((f) => !f.hidden).sort(byName);
  return `The following options can be passed to any command:\n\n${flags.map(formatFlag).join('')}`;
}

/** pflag sorts flags by name, byte-wise. */
function byName(a: FlagDef, b: FlagDef): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * What follows kubectl's own root help in `kubectl sock help`: what kubectl-sock
 * adds (the address forms, how commands run, its proxy's extra flags).
 */
export function sockHelpSection(specs: readonly CommandSpec[]): string {
  const natives = specs.map((s) => s.name).join(', ');
  return `
kubectl sock: every command above reaches the server through kubectl-sock (${natives}: its own; the others: this kubectl, through a private relay).
 Server addresses (kubeconfig server:, -s/--server): unix:///path/to/kube.sock or /path/to/kube.sock, tcp://host:port (plain tcp), http(s)://host:port.
 kubectl sock proxy --unix-socket=PATH serves the API on a socket only you can reach (--socket-mode, --read-only, --access-log, --max-connections, --expire-after).

Use "kubectl sock help sock" for kubectl-sock's own help.
`;
}

/** `kubectl sock help sock`: what the plugin is, its native commands. */
export function rootHelp(specs: readonly CommandSpec[]): string {
  const width = Math.max(...specs.map((s) => s.name.length)) + 3;
  const lines = specs.map((s) => `  ${s.name.padEnd(width)}${s.short}`).join('\n');
  return `kubectl sock reaches a Kubernetes API server over a unix socket (unix:///path, /path) or a plain tcp socket (tcp://host:port), as well as http(s)://.

 Find more information at: https://github.com/kubectl-sock/kubectl-sock

Native Commands:
${lines}

Every other command (describe, apply, edit, exec, port-forward, …) is passed to the real kubectl,
which reaches the same server through your shared relay: kubectl sock describe pod web -n prod
Other programs reach it with: kubectl sock env -- helm list

Usage:
  kubectl sock [flags] [options]

Use "kubectl sock <command> --help" for more information about a given command.
Use "kubectl sock options" for a list of global command-line options (applies to all commands).
`;
}
