import type { CommandSpec } from '../cli/command.ts';
import type { FlagDef } from '../cli/flags.ts';
import { Directive } from './directive.ts';
import { subcommands } from './engine.ts';
import {
  fixedValues, kubeconfigValues, namespaceValues, podResourceAndContainer, resourceTypeAndName, validArgs,
} from './kubectl-completers.ts';
import { PASSTHROUGH_VERBS } from './kubectl-verbs.ts';
import type { CommandModel, ProgramModel } from './model.ts';
import { SHELLS } from './shells.ts';
import { SHELLS as ENV_SHELLS } from '../shared-relay/shell-lines.ts';

/** kubectl get's -o choices, in kubectl's order (PrintFlags.AllowedFormats). */
export const GET_OUTPUT_FORMATS = [
  'json', 'yaml', 'name', 'go-template', 'go-template-file', 'template', 'templatefile',
  'jsonpath', 'jsonpath-as-json', 'jsonpath-file', 'custom-columns', 'custom-columns-file', 'wide',
];

/** kubectl get's --subresource choices (1.33). */
const GET_SUBRESOURCES = ['status', 'scale', 'resize'];


/** The completion functions kubectl registers for the same commands; commands not listed complete nothing. */
const COMPLETERS: Record<string, Pick<CommandModel, 'args' | 'values'>> = {
  get: { args: resourceTypeAndName, values: { output: fixedValues(GET_OUTPUT_FORMATS), subresource: fixedValues(GET_SUBRESOURCES) } },
  logs: { args: podResourceAndContainer },
  completion: { args: validArgs(SHELLS) },
  env: { values: { shell: fixedValues(ENV_SHELLS) } },
  relay: { args: validArgs(['list', 'stop']) },
};

/** kubectl sock's command tree as completion sees it: native commands, help, options and kubectl's verbs. */
export function programModel(specs: readonly CommandSpec[], globals: FlagDef[]): ProgramModel {
  const program: ProgramModel = {
    name: 'kubectl-sock',
    globals: globals.filter((g) => g.name !== 'help'),
    globalValues: {
      namespace: namespaceValues,
      context: kubeconfigValues((s) => s.contexts()),
      cluster: kubeconfigValues((s) => s.clusters()),
      user: kubeconfigValues((s) => s.users()),
    },
    commands: [],
    passthrough: [...PASSTHROUGH_VERBS],
  };
  program.commands = [
    ...specs.map((s) => ({ name: s.name, short: s.short, flags: s.flags, ...COMPLETERS[s.name] })),
    // cobra's help command completes command names.
    {
      name: 'help',
      short: 'Help about any command',
      flags: [],
      args: (_s, args, toComplete) => ({ candidates: args.length === 0 ? subcommands(program, toComplete) : [], directive: Directive.NoFileComp }),
    },
    { name: 'options', short: 'Print the list of flags inherited by all commands', flags: [] },
  ];
  return program;
}
