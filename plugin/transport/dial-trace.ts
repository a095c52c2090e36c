import type { Socket } from 'node:net';
import { isIP } from 'node:net';

/** What Go's httptrace reports of making one connection (client-go logs it at -v=9). */
export interface DialTrace {
  /** "tcp" or "unix", and the address dialed ("127.0.0.1:6443", "/run/kube.sock"). */
  network: string;
  address: string;
  /** The host name resolved first, and what it resolved to (not for IP literals, as Go skips DNS then). */
  host?: string;
  resolved?: string[];
  dnsMs: number;
  dialMs: number;
  tlsMs: number;
  /** The dial's error, in Go's words when known. */
  err?: string;
}

type Callback = (err: Error | null, socket: Socket | null) => void;
type ConnectOptions = { hostname: string; host?: string; protocol: string; port: string; servername?: string };
export type Connector = (opts: ConnectOptions, cb: Callback) => Socket | undefined;

/**
 * Wraps undici's connector so that each connection it makes is timed as Go's
 * httptrace times it: DNS (the socket's lookup), the dial (to TCP connect), the
 * TLS handshake (to secureConnect). Only at -v=9, where client-go logs them.
 */
export function tracedConnector(inner: Connector, socketPath: string | undefined, describeError: (err: Error) => string, onDial: (t: DialTrace) => void): Connector {
  return (opts, cb) => {
    const started = Date.now();
    const network = socketPath ? 'unix' : 'tcp';
    const t: DialTrace = { network, address: socketPath ?? `${opts.hostname}:${opts.port || (opts.protocol === 'https:' ? '443' : '80')}`, dnsMs: 0, dialMs: 0, tlsMs: 0 };
    let looked = started;
    let dialed: number | undefined;
    const socket = inner(opts, (err, s) => {
      const now = Date.now();
      if (err) t.err = describeError(err);
      if (dialed !== undefined && !err) t.tlsMs = opts.protocol === 'https:' ? now - dialed : 0;
      t.dialMs = (dialed ?? now) - looked;
      onDial(t);
      cb(err, s);
    });
    if (!socketPath && isIP(opts.hostname) === 0) {
      socket?.on('lookup', (_err: Error | null, address: string) => {
        looked = Date.now();
        t.dnsMs = looked - started;
        t.host = opts.hostname;
        (t.resolved ??= []).push(address);
        const colon = address.includes(':') ? `[${address}]` : address;
        t.address = `${colon}:${opts.port || (opts.protocol === 'https:' ? '443' : '80')}`;
      });
    }
    socket?.once('connect', () => (dialed = Date.now()));
    return socket;
  };
}
