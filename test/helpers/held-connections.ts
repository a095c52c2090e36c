// Long-lived connections through a socket, opened the way kubectl opens them:
// a watch, a followed log, an exec (WebSocket, v5.channel.k8s.io) and a
// port-forward (SPDY/3.1). Each resolves once established (headers or the 101
// are in), and records when its connection closed, to time a revocation.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';

export type HeldKind = 'watch' | 'logs -f' | 'exec' | 'port-forward';

export interface Held {
  kind: HeldKind;
  /** performance.now() when the connection closed, once it has. */
  closed: Promise<number>;
  /** Whether it is still open now. */
  open(): boolean;
  /** Closes it from the client's side (cleanup). */
  destroy(): void;
}

const POD = '/api/v1/namespaces/default/pods/web';

/** Opens one long-lived connection of `kind` through the socket; resolves once the server has answered. */
export function hold(socketPath: string, kind: HeldKind): Promise<Held> {
  return kind === 'watch' || kind === 'logs -f' ? holdStream(socketPath, kind) : holdUpgrade(socketPath, kind);
}

/** Every kind at once. */
export function holdAll(socketPath: string): Promise<Held[]> {
  return Promise.all((['watch', 'logs -f', 'exec', 'port-forward'] as const).map((k) => hold(socketPath, k)));
}

function holdStream(socketPath: string, kind: 'watch' | 'logs -f'): Promise<Held> {
  const path = kind === 'watch' ? '/api/v1/namespaces/default/pods?watch=1' : `${POD}/log?follow=true`;
  return new Promise((ok, fail) => {
    let isOpen = true;
    let markClosed: (t: number) => void = () => undefined;
    const closed = new Promise<number>((r) => (markClosed = (t) => ((isOpen = false), r(t))));
    const req = request({ socketPath, path, headers: { host: 'localhost' } }, (res) => {
      res.resume();
      if (res.statusCode !== 200) return fail(new Error(`${kind}: HTTP ${res.statusCode}`));
      ok({ kind, closed, open: () => isOpen, destroy: () => req.destroy() });
    });
    req.on('socket', (s) => s.once('close', () => markClosed(performance.now())));
    req.on('error', (err) => fail(err));
    req.end();
  });
}

function holdUpgrade(socketPath: string, kind: 'exec' | 'port-forward'): Promise<Held> {
  const head = kind === 'exec'
    ? [`GET ${POD}/exec?command=echo-test&stdin=true&stdout=true&stderr=true HTTP/1.1`, 'Connection: Upgrade', 'Upgrade: websocket',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Protocol: v5.channel.k8s.io']
    : [`POST ${POD}/portforward HTTP/1.1`, 'Connection: Upgrade', 'Upgrade: SPDY/3.1', 'X-Stream-Protocol-Version: portforward.k8s.io', 'Content-Length: 0'];
  return new Promise((ok, fail) => {
    const s = connect(socketPath);
    let isOpen = true;
    const closed = new Promise<number>((r) => s.once('close', () => ((isOpen = false), r(performance.now()))));
    let got = '';
    s.on('error', () => undefined);
    s.on('data', (c: Buffer) => {
      if (got.includes('\r\n\r\n')) return;
      got += c.toString('latin1');
      if (!got.includes('\r\n')) return;
      if (/^HTTP\/1\.1 101 /.test(got)) ok({ kind, closed, open: () => isOpen, destroy: () => s.destroy() });
      else fail(new Error(`${kind}: ${got.split('\r\n')[0]}`));
    });
    s.write(`${[...head, 'Host: localhost'].join('\r\n')}\r\n\r\n`);
  });
}

/** The kinds that closed on their own within `ms` (none should: each waits for more). */
export async function closedWithin(held: readonly Held[], ms = 200): Promise<HeldKind[]> {
  await new Promise((r) => setTimeout(r, ms));
  return held.filter((h) => !h.open()).map((h) => h.kind);
}
