import type { Ctx } from '../context.ts';
import { SockError, UsageError } from '../errors.ts';
import { flagBool, type CommandSpec, type Invocation } from '../cli/command.ts';
import type { FlagDef } from '../cli/flags.ts';
import { commandHelp } from '../cli/help.ts';
import { newFactory, type Factory } from './factory.ts';

/** Resolved options of `kubectl sock relay list|stop`. */
export interface RelayOptions {
  verb: 'list' | 'stop' | '';
  names: string[];
  all: boolean;
}

/** complete: the subcommand, the relay names, --all. */
export function completeRelay(inv: Invocation): RelayOptions {
  const [verb = '', ...names] = inv.args;
  return { verb: verb as RelayOptions['verb'], names, all: flagBool(inv, 'all') };
}

/** validate: cobra's unknown-subcommand error, and what each subcommand accepts. */
export function validateRelay(o: RelayOptions, inv: Invocation): void {
  if (o.verb !== '' && o.verb !== 'list' && o.verb !== 'stop') throw new UsageError(`unknown command "${o.verb}" for "${inv.commandPath}"`, inv.commandPath);
  if (o.verb === 'list' && (o.names.length > 0 || o.all)) throw new UsageError('relay list takes no arguments', inv.commandPath);
  if (o.all && o.names.length > 0) throw new UsageError('relay stop takes either relay names or --all, not both', inv.commandPath);
}

/** run: list the user's relays as a kubectl table, or stop some of them. */
export async function runRelay(ctx: Ctx, f: Factory, o: RelayOptions): Promise<number> {
  const m = await import('../shared-relay/relay-list.ts');
  const relays = await m.listRelays(ctx);
  if (o.verb === 'list') {
    if (relays.length === 0) ctx.streams.errOut.write('No relays are running.\n');
    else ctx.streams.out.write(m.relayTable(relays, ctx.now()));
    return 0;
  }
  let chosen = relays;
  if (o.names.length > 0) {
    chosen = o.names.map((name) => {
      const found = relays.find((r) => r.info.name === name);
      if (!found) throw new SockError('E_RELAY', `relay "${name}" not found`);
      return found;
    });
  } else if (!o.all) {
    const name = await m.currentRelayName(ctx, await f.restConfig(), f.kubeFlags);
    chosen = relays.filter((r) => r.info.name === name);
    if (chosen.length === 0) throw new SockError('E_RELAY', 'no relay is running for this context');
  }
  for (const r of chosen) {
    await m.stopListed(r);
    ctx.streams.out.write(`relay "${r.info.name}" stopped\n`);
  }
  return 0;
}

const flags: FlagDef[] = [
  { name: 'all', kind: 'bool', usage: 'If true, stop every relay of yours (relay stop).' },
];

/** `kubectl sock relay`: see and end the shared relays (as ssh -O check / -O exit for a ControlMaster). */
export const relayCommand: CommandSpec = {
  name: 'relay',
  short: 'List or stop your shared relays',
  long: `Shows and ends your shared relays. kubectl sock starts one relay per server and identity on first use: every other verb and 'kubectl sock env' reach the cluster through it. A relay started by a passed-through verb ends by itself after ten minutes without a client (KUBECTL_SOCK_RELAY_IDLE_TIMEOUT); one started by 'kubectl sock env' lives until stopped.

 list          the relays running now: name, server, address, process, lifetime, clients, age
 stop [NAME…]  ends the relay of the current context, or the named ones; --all ends every one`,
  examples: [
    '  # See your relays',
    '  kubectl sock relay list',
    '  ',
    '  # End the relay of the prod context, then every relay',
    '  kubectl sock relay stop --context prod',
    '  kubectl sock relay stop --all',
  ].join('\n'),
  usage: 'relay (list | stop [NAME...] [--all]) [options]',
  flags,
  async run(ctx, inv) {
    const o = completeRelay(inv);
    validateRelay(o, inv);
    if (o.verb === '') {
      ctx.streams.out.write(commandHelp(relayCommand));
      return 0;
    }
    const f = newFactory(ctx, inv);
    try {
      return await runRelay(ctx, f, o);
    } finally {
      await f.close();
    }
  },
};
