import { resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { flagString, type CommandSpec } from '../cli/command.ts';
import { controlSocketFlag, type SocketStatus } from '../serve/control-api.ts';

/** `kubectl sock grants`: what a running `kubectl sock serve` serves now. */
export const grantsCommand: CommandSpec = {
  name: 'grants',
  short: 'List the sockets of a running kubectl sock serve',
  long: 'Lists every socket a running kubectl sock serve serves, from its config file and from grants: the path, the owner, the Kubernetes identity it acts as, whether it is read-only, when it expires, and how many connections are open through it now.',
  examples: ['  # Every socket, with its open connections', '  kubectl sock grants', '  ', '  # The same as JSON, with exact expiry times', '  kubectl sock grants -o json'].join('\n'),
  usage: 'grants [-o json|yaml] [options]',
  flags: [
    controlSocketFlag,
    { name: 'output', short: 'o', kind: 'string', usage: 'Output format. One of: (json, yaml).' },
  ],
  async run(ctx, inv) {
    if (inv.args.length > 0) throw new UsageError(`unknown command ${JSON.stringify(inv.args[0])} for "${inv.commandPath}"`, inv.commandPath, true);
    const output = flagString(inv, 'output');
    const { GRANTS_OUTPUTS, formatSockets } = await import('../serve/grants-printer.ts');
    if (!(GRANTS_OUTPUTS as readonly string[]).includes(output)) {
      throw new UsageError(`unable to match a printer suitable for the output format "${output}", allowed formats are: json,yaml`);
    }
    const { controlCall } = await import('../serve/control-client.ts');
    const socket = resolve(ctx.cwd, flagString(inv, 'control-socket', controlSocketFlag.defValue));
    const { sockets } = await controlCall<{ sockets: SocketStatus[] }>(socket, 'GET', '/v1/sockets');
    if (sockets.length === 0 && output === '') ctx.streams.errOut.write('No sockets are served.\n');
    ctx.streams.out.write(formatSockets(sockets, output, ctx.now()));
    return 0;
  },
};
