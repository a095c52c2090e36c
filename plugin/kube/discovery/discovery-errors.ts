import { ApiError, ConnectError, JsonSyntaxError } from '../../errors.ts';
import type { Klog } from '../../klog.ts';
import type { ServerAddress } from '../../transport/address.ts';
import { goErrorText } from './server-version.ts';
import { klogValue } from '../klog-value.ts';
import { apiErrorFrom } from '../rest/status-error.ts';

/**
 * The E lines kubectl prints when discovery fails with no cache to fall back on:
 * client-go's memory cache logs "couldn't get current server API group list"
 * through utilruntime.HandleError each time kubectl's REST mapper retries it, so
 * the same line comes `attempts` times before the error itself. A socket that
 * cannot be reached is the exception: kubectl has no words for a socket, and
 * kubectl-sock reports it in one line, with what to do, for every command.
 */
export function logDiscoveryFailure(klog: Klog, address: ServerAddress, err: unknown, attempts: number): void {
  if (err instanceof ConnectError && (address.transport === 'unix' || address.plainSocket)) return;
  if (!(err instanceof ConnectError) && !(err instanceof ApiError) && !(err instanceof JsonSyntaxError)) return;
  const text = `couldn't get current server API group list: ${goErrorText(err, address, '/api?timeout=32s')}`;
  for (let i = 0; i < attempts; i++) klog.error('memcache.go:265', `"Unhandled Error" err=${klogValue(text)}`);
}

/**
 * A failure of logs' first request, as kubectl would have met it: kubectl
 * discovers before it asks for the pod, so with no discovery cache a server
 * that cannot be reached, or refuses the credentials, fails discovery first.
 * Its E lines are printed, and a 401 is worded as discovery reads it (raw:
 * "the server has asked for the client to provide credentials"). Any other
 * answer means discovery would have passed: the error stands as it is.
 */
export function asColdDiscoveryFailure(klog: Klog, address: ServerAddress, err: unknown, attempts: number): unknown {
  if (!(err instanceof ConnectError) && !(err instanceof ApiError && err.status === 401)) return err;
  const seen = err instanceof ApiError ? apiErrorFrom(err.status, '', 'application/json', { raw: true }) : err;
  logDiscoveryFailure(klog, address, seen, attempts);
  return seen;
}
