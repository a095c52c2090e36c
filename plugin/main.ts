import { homedir, tmpdir } from 'node:os';
import { run } from './cli.ts';
import type { Ctx } from './context.ts';

/**
 * The process boundary: the only module that touches `process`. Everything
 * else gets a Ctx, so every command runs in-process in tests.
 */
let onStdoutError: ((err: NodeJS.ErrnoException) => void) | undefined;
let stdoutReady = false;

/** process.stdout, with the EPIPE handler on it from its first use. */
function stdout(): NodeJS.WriteStream {
  if (!stdoutReady && onStdoutError) {
    stdoutReady = true;
    process.stdout.on('error', onStdoutError);
  }
  return process.stdout;
}

function nodeCtx(signal: AbortSignal): Ctx {
  return {
    // process.stdin and node:child_process cost milliseconds to set up; most commands never touch them.
    streams: {
      get in() {
        return process.stdin;
      },
      // Made on first use, as Node makes them: a passed-through verb never writes here itself.
      get out() {
        return stdout();
      },
      get errOut() {
        return process.stderr;
      },
      get stdinIsTTY() {
        return process.getBuiltinModule('node:tty').isatty(0);
      },
    },
    env: process.env,
    cwd: process.cwd(),
    home: process.env['HOME'] || homedir(),
    signal,
    onHangup: (listener) => {
      process.on('SIGHUP', listener);
      return () => void process.off('SIGHUP', listener);
    },
    now: () => new Date(),
    spawn: (command, args, options) => process.getBuiltinModule('node:child_process').spawn(command, args, options),
    pid: process.pid,
    uid: process.geteuid?.() ?? -1,
    execPath: process.execPath,
    tmpDir: tmpdir(),
    execve: typeof process.execve === 'function' ? execve : undefined,
    kill: (pid, signal) => process.kill(pid, signal),
  };
}

/**
 * Becomes `file`. Node ignores SIGPIPE and SIGXFSZ, and execve(2) keeps an
 * ignored signal ignored; a listener makes them caught instead, which execve
 * resets to the default, so the program starts with the dispositions a shell
 * gives it (kubectl dies of SIGPIPE under `| head`, as when run directly).
 */
function execve(file: string, argv: readonly string[], env: Record<string, string>): never {
  for (const sig of ['SIGPIPE', 'SIGXFSZ'] as const) process.on(sig, () => undefined);
  process.execve?.(file, [...argv], env);
  throw new Error(`process.execve(${file}) returned`);
}

function main(): void {
  // If the event loop ever drains with the command's promise unsettled, that is a failure, not a success.
  process.exitCode = 1;
  const controller = new AbortController();
  // The first signal asks the command to stop (it cleans up: sockets, temporary files,
  // a child kubectl); a second one ends the process at once.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (controller.signal.aborted) process.exit(sig === 'SIGINT' ? 130 : 143);
      controller.abort(sig);
    });
  }
  // A closed stdout (`| head`) ends the command quietly, as kubectl, which dies of SIGPIPE
  // there: a shell sees 141 (128 + SIGPIPE), and `set -o pipefail` scripts notice.
  onStdoutError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') {
      controller.abort();
      process.exitCode = 141;
      process.exit();
    }
  };
  run(process.argv.slice(2), nodeCtx(controller.signal)).then((code) => {
    process.exitCode = code;
  });
}

main();
