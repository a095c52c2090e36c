import { createHmac, randomBytes } from 'node:crypto';
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A relay's name: an HMAC of its identity (wire.ts identityText) under a
 * random per-user key kept in the state folder. Names are folder names and
 * show in `relay list`, so they must not reveal the identity they stand for,
 * which holds credentials; a plain hash of a short password could be guessed
 * back, a keyed one cannot. 16 hex digits: collisions are out of reach.
 */
export function relayName(root: string, identity: string): string {
  return createHmac('sha256', userKey(root)).update(identity).digest('hex').slice(0, 16);
}

/** The per-user HMAC key, made on first use. Written aside and linked in, so no reader sees it half-written. */
function userKey(root: string): Buffer {
  const path = join(root, 'name-key');
  try {
    return readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const aside = `${path}.${randomBytes(8).toString('hex')}`;
  writeFileSync(aside, randomBytes(32), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(aside, path);
  } catch (err) {
    // Another run made it first: theirs is the key.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(aside, { force: true });
  }
  return readFileSync(path);
}

/** Where ephemeral ports begin on Linux (net.ipv4.ip_local_port_range); ports below are not handed out to clients. */
const FIRST_EPHEMERAL = 32768;
const FIRST_PREFERRED = 20000;

/**
 * The port a relay tries first: derived from its name, so a relay started
 * again (after an idle exit, a crash or a reboot) comes back on the same
 * 127.0.0.1:PORT, and kubectl's discovery and HTTP caches, kept per host:port,
 * stay warm. Below the ephemeral range, so outgoing connections never hold it.
 */
export function preferredPort(name: string): number {
  return FIRST_PREFERRED + (Number.parseInt(name.slice(0, 8), 16) % (FIRST_EPHEMERAL - FIRST_PREFERRED));
}
