import { parseGoDuration } from '../cli/duration.ts';
import { ConfigError } from '../errors.ts';

/** How long a relay started by a passthrough run waits with no client before it ends (ssh's ControlPersist, often 10m). */
export const DEFAULT_IDLE_MS = 10 * 60_000;
/** The relay's self-signed certificate: a year; a relay near its end is replaced by the next run. */
export const DEFAULT_CERT_VALIDITY_MS = 365 * 24 * 3600_000;

/**
 * The relay's clocks, from KUBECTL_SOCK_RELAY_IDLE_TIMEOUT and
 * KUBECTL_SOCK_RELAY_CERT_VALIDITY (Go durations: 30s, 10m, 2h), read by the
 * run that starts the relay.
 */
export function relayTimings(env: Readonly<Record<string, string | undefined>>): { idleMs: number; certValidityMs: number } {
  return {
    idleMs: duration(env, 'KUBECTL_SOCK_RELAY_IDLE_TIMEOUT', DEFAULT_IDLE_MS),
    certValidityMs: duration(env, 'KUBECTL_SOCK_RELAY_CERT_VALIDITY', DEFAULT_CERT_VALIDITY_MS),
  };
}

function duration(env: Readonly<Record<string, string | undefined>>, name: string, def: number): number {
  const text = env[name];
  if (text === undefined || text === '') return def;
  let ms: number;
  try {
    ms = parseGoDuration(text);
  } catch (err) {
    throw new ConfigError(`invalid ${name}=${text}: ${(err as Error).message}`);
  }
  if (ms <= 0) throw new ConfigError(`invalid ${name}=${text}: must be positive`);
  return ms;
}
