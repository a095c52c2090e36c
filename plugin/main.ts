import { homedir, tmpdir } from 'node:os';
import { run } from './cli.ts';
import type { Ctx } from './context.ts';

/**
 * The process boundary: the only module that touches `process`. Everything
 * else gets a Ctx, so every command runs in-process in tests.
 */
function nodeCtx(signal: AbortSignal): Ctx {
  return {
    // process.stdin and node:child_process cost milliseconds to set up; most commands never touch them.
    streams: {
      get in() {
        return process.stdin;
      },
      out: process.stdout,
      errOut: process.stderr,
      get stdinIsTTY() {
        return process.getBuiltinModule('node:tty').isatty(0);
      },
    },
    env: process.env,
    cwd: process.cwd(),
    home: process.env['HOME'] || homedir(),
    signal,
    now: () => new Date(),
    spawn: (command, args, options) => process.getBuiltinModule('node:child_process').spawn(command, args, options),
    pid: process.pid,
    uid: process.geteuid?.() ?? -1,
    execPath: process.execPath,
    tmpDir: tmpdir(),
  };
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
  // A closed stdout (`| head`) ends the command quietly, as kubectl does.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') {
      controller.abort();
      process.exitCode = 0;
      process.exit();
    }
  });
  run(process.argv.slice(2), nodeCtx(controller.signal)).then((code) => {
    process.exitCode = code;
  });
}

main();
