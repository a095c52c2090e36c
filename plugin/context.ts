import type { Readable, Writable } from 'node:stream';
import type { SpawnOptions, ChildProcess } from 'node:child_process';

/** The three standard streams, as kubectl's genericiooptions.IOStreams. */
export interface Streams {
  in: Readable;
  out: Writable;
  errOut: Writable;
  /** Whether stdin is a terminal (exec credential plugins' interactiveMode). */
  stdinIsTTY: boolean;
}

/** Spawns a child process; a seam so tests can run fixture plugins. */
export type SpawnFn = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

/**
 * Everything a command may take from the outside world. Only plugin/main.ts
 * builds one from `process`; tests build their own.
 */
export interface Ctx {
  streams: Streams;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The user's home folder, for `~` expansion and ~/.kube. */
  home: string;
  /** Aborted on SIGINT/SIGTERM, with the signal's name as its reason. */
  signal: AbortSignal;
  now(): Date;
  spawn: SpawnFn;
  /** This process's id, as klog prints it in -v lines. */
  pid: number;
  /** The effective user id (geteuid), whose folders a socket may be created in; -1 without POSIX users (Windows). */
  uid: number;
  /** This program's own executable, so passthrough never runs it as "kubectl". */
  execPath: string;
  /** Where private temporary files go (os.tmpdir()). */
  tmpDir: string;
}
