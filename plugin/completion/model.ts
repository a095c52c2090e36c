import type { FlagDef } from '../cli/flags.ts';
import type { Completion } from './directive.ts';

/**
 * What completion may ask of the cluster and the kubeconfig. Every method
 * answers [] when the server or the kubeconfig cannot be read, as kubectl's
 * completion helpers (CompGetResource, ListContextsInConfig) return nil.
 */
export interface CompletionSources {
  /** Names of the objects of a type as typed (`po`, `deploy.apps`, `pods,svc`), in the current namespace. */
  resourceNames(type: string): Promise<string[]>;
  /** `kubectl api-resources -o name --cached --verbs=get`. */
  resourceTypes(): Promise<string[]>;
  /** The init containers then the containers of a pod, named as `POD` or `TYPE/NAME`. */
  containers(podArg: string): Promise<string[]>;
  /** Context, cluster and user names in the kubeconfig the line selects. */
  contexts(): Promise<string[]>;
  clusters(): Promise<string[]>;
  users(): Promise<string[]>;
}

/** cobra's ValidArgsFunction or flag completion function: positionals (flags removed) and the word being typed. */
export type Completer = (sources: CompletionSources, args: readonly string[], toComplete: string) => Promise<Completion> | Completion;

/** One command as completion sees it: cobra's Command with its completion functions. */
export interface CommandModel {
  name: string;
  /** The description shown beside the name. */
  short: string;
  /** The command's own flags (the global ones are inherited). */
  flags: FlagDef[];
  /** Completes positionals; without one, cobra answers nothing with the default directive (file completion). */
  args?: Completer;
  /** Completes a flag's value, by flag name. */
  values?: Record<string, Completer>;
}

/** The whole program: the root's flags, its native commands, and the verbs that go to kubectl. */
export interface ProgramModel {
  /** The name the root's --help describes. */
  name: string;
  globals: FlagDef[];
  /** Value completion of the global flags (-n, --context…), inherited by every command. */
  globalValues: Record<string, Completer>;
  commands: CommandModel[];
  /** Verbs passed to the real kubectl: offered beside the native commands. */
  passthrough: { name: string; short: string }[];
}
