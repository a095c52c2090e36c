import { constants } from 'node:os';
import type { Ctx } from '../context.ts';
import { InterruptedError, SockError } from '../errors.ts';


/**
 * argv[0] for kubectl, whatever the binary's file is called (kubectl.1.33): kubectl names itself
 * from it in what it records (--record's change-cause is filepath.Base(os.Args[0]) + args).
 */
export const KUBECTL_ARGV0 = 'kubectl';

/**
 * Runs the real kubectl with the terminal attached (stdin, stdout, stderr
 * inherited, so `exec -it` and `edit` work), forwards the signal that
 * aborted ctx.signal, and returns its exit code as a shell would report it
 * (128 + signal number when it died of one).
 */
export function runKubectl(ctx: Ctx, kubectl: string, args: readonly string[], env: Record<string, string>, argv0 = kubectl): Promise<number> {
  return new Promise((resolve, reject) => {
    // A signal before kubectl started: it ends kubectl-sock (130/143) instead of being lost.
    if (ctx.signal.aborted) return reject(new InterruptedError(ctx.signal.reason));
    const child = ctx.spawn(kubectl, args, { stdio: 'inherit', env, cwd: ctx.cwd, argv0 });
    const onAbort = () => child.kill((ctx.signal.reason as NodeJS.Signals | undefined) ?? 'SIGTERM');
    ctx.signal.addEventListener('abort', onAbort);
    child.on('error', (err: NodeJS.ErrnoException) => {
      ctx.signal.removeEventListener('abort', onAbort);
      reject(new SockError('E_KUBECTL', `running ${kubectl}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      ctx.signal.removeEventListener('abort', onAbort);
      // Any signal, SIGPIPE (`| head`) included: a closed stdout ends kubectl 141 in a shell.
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 1) : 1));
    });
  });
}
