import { Writable } from 'node:stream';
import type { Ctx } from '../context.ts';
import { ConnectError, InterruptedError, SockError } from '../errors.ts';
import type { Upstream } from '../relay/upstream.ts';
import type { ServerAddress } from '../transport/address.ts';
import { toConnectError } from '../transport/connect-error.ts';
import { userAgent } from '../version-info.ts';

/**
 * Whether kubectl itself can reach this address (an http:// or https:// URL):
 * then, for a failure before the relay is of use, the real kubectl run on the
 * user's own arguments has kubectl's exact words for it.
 */
export function kubectlReaches(address: ServerAddress): boolean {
  return address.transport === 'tcp' && !address.plainSocket;
}

/**
 * Whether kubectl may finish without the server: `--dry-run=client` (or the
 * bare `--dry-run`, which kubectl reads as client) and `--local` print what they
 * would send (`create deployment x --image=y --dry-run=client -o yaml` works
 * offline). The server is then not checked first, so such a command works with
 * the socket gone, as it does for kubectl.
 */
export function mayWorkOffline(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--dry-run=client' || a === '--dry-run' || a === '--local' || a === '--local=true') return true;
  }
  return false;
}

/**
 * Asks the server for /version through the relay's own upstream (its
 * credentials, its transport) before kubectl starts. A server that cannot be
 * reached, a socket that is missing or stale, a TLS failure or a credential
 * plugin that fails is then reported in the words every native command uses,
 * once, instead of kubectl's five discovery E lines and an "Error from server
 * (InternalError)" that reads as if the server had answered. Any answer,
 * even a 401 or 403, means the server is there: kubectl reports those itself.
 * The connection is kept for kubectl's first request.
 */
export async function checkReachable(ctx: Ctx, upstream: Upstream): Promise<void> {
  const { address, timeoutMs } = upstream.config;
  const ready = await upstream.prepare();
  const { default: request } = await import('undici/lib/api/api-request.js');
  const signal = timeoutMs > 0 ? AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]) : ctx.signal;
  try {
    const res = await request.call(ready.transport.dispatcher, {
      method: 'GET',
      path: `${ready.transport.basePath}/version`,
      headers: { accept: 'application/json, */*', 'user-agent': userAgent(), ...ready.credentials },
      signal,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    await res.body.dump();
    upstream.release(ready.transport, true);
  } catch (err) {
    upstream.release(ready.transport, false);
    if (ctx.signal.aborted) throw new InterruptedError(ctx.signal.reason);
    throw unreachable(err, address);
  }
}

function unreachable(err: unknown, address: ServerAddress): SockError {
  const e = err as Error & { cause?: unknown };
  if (e.name === 'TimeoutError') {
    return new ConnectError('timeout', address.transport === 'unix' ? address.display : address.hostPort,
      'net/http: request canceled (Client.Timeout exceeded while awaiting headers)');
  }
  const mapped = toConnectError(e.cause ?? e, address) ?? toConnectError(e, address);
  if (mapped) return mapped;
  if (e instanceof SockError) return e;
  return new ConnectError('other', address.transport === 'unix' ? address.display : address.hostPort, e.message || String(e));
}

/**
 * stderr held back while the reachability check runs: what an exec credential
 * plugin prints there is shown once the check passes, or dropped when kubectl
 * is run alone instead (it runs the plugin again and shows its own).
 */
export interface HeldStream {
  stream: Writable;
  release(): void;
  discard(): void;
}

export function holdStream(target: Writable): HeldStream {
  let held: Buffer[] | undefined = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (held) held.push(chunk);
      else target.write(chunk);
      done();
    },
  });
  return {
    stream,
    release() {
      for (const c of held ?? []) target.write(c);
      held = undefined;
    },
    discard() {
      held = undefined;
    },
  };
}
