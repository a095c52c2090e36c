import { resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { flagString, type CommandSpec } from '../cli/command.ts';
import { controlSocketFlag, type RevokeAnswer } from '../serve/control-api.ts';

/** `kubectl sock revoke USER|PATH`: ends grants at once, connections included. */
export const revokeCommand: CommandSpec = {
  name: 'revoke',
  short: 'End the grants of a user, or one socket, of a running kubectl sock serve',
  long: 'Ends a grant made with kubectl sock grant: the socket file is removed and every open connection through it is closed at once (watches, logs -f, exec and port-forward included), and the grant leaves the state file. Name a user to revoke all of their grants, or a socket path to revoke one. Sockets of the config file are removed by editing the file and reloading the server.',
  examples: [
    '  # Revoke everything granted to alice',
    '  kubectl sock revoke alice',
    '  ',
    '  # Revoke one socket',
    '  kubectl sock revoke /run/kubectl-sock/ci-ro.sock',
  ].join('\n'),
  usage: 'revoke USER|PATH [options]',
  flags: [controlSocketFlag],
  async run(ctx, inv) {
    if (inv.args.length !== 1 || inv.args[0] === '') {
      throw new UsageError(inv.args.length === 0 ? 'a user or a socket path is required: kubectl sock revoke USER|PATH' : `exactly one user or socket path is required, got ${inv.args.length}: ${inv.args.join(' ')}`, inv.commandPath);
    }
    const arg = inv.args[0] as string;
    // A path is anything with a slash in it (a user name has none), taken from where it was typed.
    const target = arg.includes('/') ? resolve(ctx.cwd, arg) : arg;
    const { controlCall } = await import('../serve/control-client.ts');
    const socket = resolve(ctx.cwd, flagString(inv, 'control-socket', controlSocketFlag.defValue));
    const answer = await controlCall<RevokeAnswer>(socket, 'DELETE', `/v1/grants?target=${encodeURIComponent(target)}`);
    for (const r of answer.revoked) ctx.streams.out.write(`${r.path} revoked (${r.connections} connection${r.connections === 1 ? '' : 's'} closed)\n`);
    return 0;
  },
};
