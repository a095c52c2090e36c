import type { StdioOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, lstatSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { Ctx } from '../context.ts';
import { SockError } from '../errors.ts';
import type { RestConfig } from '../kube/clientcmd/client-config.ts';
import { discoveryCacheKey } from '../kube/discovery/discovery.ts';
import { selfSignedCertificate } from '../passthrough/self-signed.ts';
import type { DaemonInput } from './daemon.ts';
import {
  CONTROL_SOCKET, LOG_FILE, PORT_FILE, kubeconfigPath, renewKubeconfigs, writeRelayKubeconfig,
  type RelayEndpoint, type RelayInfo,
} from './relay-files.ts';
import { preferredPort } from './relay-key.ts';
import { relayTimings } from './timings.ts';
import { encodeConfig } from './wire.ts';

export interface StartInput {
  name: string;
  dir: string;
  config: RestConfig;
  persist: boolean;
  lease?: number;
  build: string;
}

/**
 * Starts the relay of `dir` (under its start lock) and returns the
 * kubeconfig for the config's context and namespace. Everything a client
 * needs is in place before the relay process has even started: the port
 * and the control socket listen (the relay process inherits both), the
 * kubeconfig is written. So the run hands itself over to kubectl at once,
 * and kubectl's first connection waits in the listen queue while the relay
 * starts; the two starts overlap instead of adding up.
 */
export async function startRelayProcess(ctx: Ctx, s: StartInput): Promise<{ kubeconfig: string; info: RelayInfo }> {
  const { idleMs, certValidityMs } = relayTimings(ctx.env);
  const token = randomBytes(32).toString('base64url');
  const tls = selfSignedCertificate(ctx.now(), certValidityMs);
  const relay = await listenOnFirstFree(portsToTry(s.dir, s.name));
  const port = (relay.address() as { port: number }).port;
  const aside = join(s.dir, `control.${randomBytes(6).toString('hex')}.sock`);
  const control = await listen(createServer(), aside);
  const info: RelayInfo = {
    name: s.name, pid: 0, address: `127.0.0.1:${port}`, server: s.config.address.display,
    discovery: discoveryCacheKey(s.config.address), context: s.config.contextName,
    persist: s.persist, idleMs, started: ctx.now().toISOString(), notAfter: ctx.now().getTime() + certValidityMs, build: s.build,
  };
  try {
    await spawnRelay(ctx, s, relay, control, {
      config: encodeConfig(s.config, ctx.cwd), info, dir: s.dir, token, tls, controlInode: lstatSync(aside).ino, lease: s.lease,
    });
    // Published by a rename: a client sees the old (dead) socket or the new one, never none or half of one.
    renameSync(aside, join(s.dir, CONTROL_SOCKET));
  } finally {
    relay.close();
    // The relay process has its own copy; closing ours removes nothing, as the name it was bound to is gone.
    control.close();
  }
  writeFileSync(join(s.dir, PORT_FILE), `${port}\n`, { mode: 0o600 });
  const endpoint: RelayEndpoint = { url: `https://${info.address}`, caPem: tls.cert, token };
  renewKubeconfigs(s.dir, endpoint);
  const kubeconfig = kubeconfigPath(s.dir, s.config.contextName, s.config.namespace);
  writeRelayKubeconfig(kubeconfig, endpoint, s.config.contextName, s.config.namespace);
  return { kubeconfig, info };
}

/**
 * `kubectl-sock __relay NAME` in a session of its own (no terminal signal
 * reaches it), in /, with the user's environment (its exec credential
 * plugins need it), the two listening sockets as fds 3 and 4, its input on
 * a pipe and stderr to its log. Started through /bin/sh, which backgrounds
 * it and exits (waited for here): the relay is nobody's child, so when it
 * ends it is reaped at once, not left a zombie of the kubectl this run
 * becomes (Go reaps only the children it started).
 */
async function spawnRelay(ctx: Ctx, s: StartInput, relay: Server, control: Server, input: DaemonInput): Promise<void> {
  const logFd = openSync(join(s.dir, LOG_FILE), 'w', 0o600);
  let child;
  try {
    // fds 3 and 4 of the relay process: RELAY_FD and CONTROL_FD. sh gives a background job /dev/null as its
    // stdin unless redirected, hence the detour through fd 5.
    const stdio: StdioOptions = ['pipe', 'ignore', logFd, fdOf(relay), fdOf(control)];
    child = ctx.spawn('/bin/sh', ['-c', 'exec 5<&0; "$0" "$@" 0<&5 5<&- &', ctx.execPath, '__relay', s.name], { detached: true, stdio, cwd: '/', env: ctx.env as NodeJS.ProcessEnv });
  } finally {
    closeSync(logFd);
  }
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', (err) => reject(new SockError('E_RELAY', `cannot start the relay: ${err.message}`)));
    child.once('exit', resolve);
  });
  child.stdin?.on('error', () => undefined);
  await new Promise<void>((resolve) => child.stdin?.end(JSON.stringify(input), () => resolve()));
  if ((await exited) !== 0) throw new SockError('E_RELAY', 'cannot start the relay: /bin/sh failed');
}

/** The descriptor of a listening server (libuv's handle; Unix only), for a child's stdio. */
function fdOf(server: Server): number {
  return (server as unknown as { _handle: { fd: number } })._handle.fd;
}

/** The last port this relay's folder used, then its preferred one, then any. */
function portsToTry(dir: string, name: string): number[] {
  let last = Number.NaN;
  try {
    last = Number(readFileSync(join(dir, PORT_FILE), 'utf8').trim());
  } catch {
    // First start.
  }
  const ports = [last, preferredPort(name), 0].filter((p) => Number.isInteger(p) && p >= 0 && p <= 65535);
  return [...new Set(ports)];
}

/** Listens on 127.0.0.1 on the first port nobody holds. */
async function listenOnFirstFree(ports: number[]): Promise<Server> {
  for (const [i, port] of ports.entries()) {
    try {
      return await listen(createServer(), { host: '127.0.0.1', port });
    } catch (err) {
      if (i === ports.length - 1 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
        throw new SockError('E_RELAY', `cannot listen on 127.0.0.1:${port} for the relay: ${(err as Error).message}`);
      }
    }
  }
  throw new SockError('E_RELAY', 'no port for the relay');
}

function listen(server: Server, on: string | { host: string; port: number }): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = () => {
      server.off('error', reject);
      resolve(server);
    };
    if (typeof on === 'string') server.listen(on, done);
    else server.listen(on.port, on.host, done);
  });
}
