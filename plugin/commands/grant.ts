import { resolve } from 'node:path';
import type { Ctx } from '../context.ts';
import { UsageError } from '../errors.ts';
import { flagBool, flagGiven, flagList, flagString, type CommandSpec, type Invocation } from '../cli/command.ts';
import { parseGoDuration } from '../cli/duration.ts';
import type { FlagDef } from '../cli/flags.ts';
import { controlSocketFlag, type GrantRequest, type SocketStatus } from '../serve/control-api.ts';

/** Resolved options of `kubectl sock grant`. */
export interface GrantOptions {
  controlSocket: string;
  request: GrantRequest;
}

/** complete: the user and flags to the request the server gets; --path made absolute here, where it was typed. */
export function completeGrant(ctx: Ctx, inv: Invocation): GrantOptions {
  const request: GrantRequest = { user: inv.args[0] ?? '' };
  if (flagGiven(inv, 'path')) request.path = resolve(ctx.cwd, flagString(inv, 'path'));
  if (flagGiven(inv, 'as')) request.as = flagString(inv, 'as');
  if (flagGiven(inv, 'as-group')) request.asGroups = flagList(inv, 'as-group');
  if (flagGiven(inv, 'as-uid')) request.asUid = flagString(inv, 'as-uid');
  if (flagBool(inv, 'read-only')) request.readOnly = true;
  if (flagGiven(inv, 'expire-after')) request.expireAfter = flagString(inv, 'expire-after');
  return { controlSocket: resolve(ctx.cwd, flagString(inv, 'control-socket', controlSocketFlag.defValue)), request };
}

/** validate: one user; a positive --expire-after. The server checks the rest (it knows the users and paths). */
export function validateGrant(o: GrantOptions, inv: Pick<Invocation, 'args' | 'commandPath'>): void {
  const { args } = inv;
  if (args.length !== 1 || args[0] === '') {
    throw new UsageError(args.length === 0 ? 'a user is required: kubectl sock grant USER' : `exactly one user is required, got ${args.length}: ${args.join(' ')}`, inv.commandPath);
  }
  if (o.request.expireAfter !== undefined && parseGoDuration(o.request.expireAfter) <= 0) throw new UsageError('--expire-after must be more than 0');
}

/** The line that confirms a grant. */
export function grantedLine(s: SocketStatus): string {
  const extras = [s.identity.groups?.length ? `groups ${s.identity.groups.join(',')}` : '', s.readOnly ? 'read-only' : '', s.expiresAt ? `until ${s.expiresAt}` : ''];
  return `${s.path} granted to ${s.owner} as ${s.identity.username}${extras.filter(Boolean).map((e) => `, ${e}`).join('')}\n`;
}

const flags: FlagDef[] = [
  { name: 'as', kind: 'string', usage: 'The Kubernetes user the socket acts as (Impersonate-User). Defaults to USER.' },
  { name: 'as-group', kind: 'stringArray', defValue: '[]', usage: 'A Kubernetes group the socket acts as (Impersonate-Group); repeat for more.' },
  { name: 'as-uid', kind: 'string', usage: 'The Kubernetes UID the socket acts as (Impersonate-Uid).' },
  controlSocketFlag,
  { name: 'expire-after', kind: 'duration', defValue: '0s', usage: 'Revoke the grant after this long (e.g. 30m, 8h); the time is fixed now, so a restart does not extend it. 0 means never.' },
  { name: 'path', kind: 'string', usage: "Where to create the socket. Defaults to USER.sock in the server's --grant-dir." },
  { name: 'read-only', kind: 'bool', usage: 'If true, the socket allows only GET and HEAD requests (get, list, watch, logs).' },
];

/** `kubectl sock grant USER`: a socket on demand from a running `kubectl sock serve`. */
export const grantCommand: CommandSpec = {
  name: 'grant',
  short: 'Give a local user a socket of a running kubectl sock serve',
  long: 'Asks a running kubectl sock serve, over its control socket, for a new socket owned by USER and acting as a Kubernetes identity (USER unless --as says otherwise). The socket appears at once; the grant is kept in the server\'s state file, so it survives a restart, until kubectl sock revoke or --expire-after ends it. Only the user the server runs as may grant.',
  examples: [
    '  # A socket for alice, acting as alice, for the next 8 hours',
    '  kubectl sock grant alice --expire-after=8h',
    '  ',
    '  # A read-only socket for the local user ci, acting as a service account',
    '  kubectl sock grant ci --as=system:serviceaccount:ci:reader --read-only --path=/run/kubectl-sock/ci-ro.sock',
  ].join('\n'),
  usage: 'grant USER [--as=NAME] [--as-group=GROUP] [--read-only] [--expire-after=DURATION] [--path=PATH]',
  flags,
  async run(ctx, inv) {
    const o = completeGrant(ctx, inv);
    validateGrant(o, inv);
    const { controlCall } = await import('../serve/control-client.ts');
    const s = await controlCall<SocketStatus>(o.controlSocket, 'POST', '/v1/grants', o.request);
    ctx.streams.out.write(grantedLine(s));
    return 0;
  },
};
