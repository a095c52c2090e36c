// Upgrade requests: pods/{name}/exec, /attach and /portforward, the three a
// kubectl sends with `Connection: Upgrade`. Node hands these to the server's
// 'upgrade' event with the bare connection; refusals are written on it as a
// whole HTTP answer (a Status, as kube-apiserver answers before upgrading).
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { servePortForwardSpdy, servePortForwardTunnel, TUNNEL_PROTOCOL } from './portforward.ts';
import { remoteCommandOf, REMOTE_COMMAND_PROTOCOLS, serveRemoteCommand } from './remotecommand.ts';
import { findResource, type ResourceDef } from './resources.ts';
import { badRequest, notFound, pathNotFound, unauthorized, type Status } from './status.ts';
import type { Store } from './store.ts';
import type { K8sObject } from './types.ts';
import { acceptWebSocket, isWebSocketRequest, offeredProtocols } from './websocket.ts';

/** What upgrade handling needs from the server. */
export interface UpgradeContext {
  store: Store;
  /** Upgraded connections, so that closing the server closes them too. */
  upgraded: Set<Duplex>;
}

const PODS = findResource('', 'v1', 'pods') as ResourceDef;
const STREAM_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)$/;

/** Serves one upgrade request; `authorized` is the listener's verdict on its credentials. */
export function serveUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: UpgradeContext, authorized: boolean): void {
  ctx.upgraded.add(socket);
  socket.once('close', () => ctx.upgraded.delete(socket));
  socket.on('error', () => socket.destroy());
  if (!authorized) return refuse(socket, unauthorized());
  const url = new URL(req.url ?? '/', 'http://fake');
  const m = STREAM_PATH.exec(url.pathname);
  if (!m) return refuse(socket, pathNotFound());
  const [, namespace = '', name = '', subresource] = m;
  const pod = ctx.store.get(PODS, namespace, name);
  if (!pod) return refuse(socket, notFound(PODS, name));
  if (subresource === 'portforward') return portForward(req, socket, head, name);
  remoteCommand(req, socket, head, pod, url.searchParams);
}

function remoteCommand(req: IncomingMessage, socket: Duplex, head: Buffer, pod: K8sObject, q: URLSearchParams): void {
  const containers = ((pod['spec'] as { containers?: Array<{ name: string }> } | undefined)?.containers ?? []).map((c) => c.name);
  const rc = remoteCommandOf(q, pod.metadata.namespace ?? 'default', pod.metadata.name, containers[0] ?? '');
  if (!containers.includes(rc.container)) return refuse(socket, badRequest(`container ${rc.container} is not valid for pod ${rc.pod}`));
  if (!isWebSocketRequest(req)) return refuse(socket, badRequest('the fake API server serves exec and attach over WebSocket only'));
  const protocol = offeredProtocols(req).find((p) => REMOTE_COMMAND_PROTOCOLS.includes(p));
  if (protocol === undefined) return refuse(socket, badRequest(`none of the requested protocols is supported; supported: ${REMOTE_COMMAND_PROTOCOLS.join(', ')}`));
  serveRemoteCommand(acceptWebSocket(req, socket, head, protocol), rc);
}

function portForward(req: IncomingMessage, socket: Duplex, head: Buffer, pod: string): void {
  if (isWebSocketRequest(req)) {
    if (!offeredProtocols(req).includes(TUNNEL_PROTOCOL)) return refuse(socket, badRequest(`port-forward over WebSocket needs subprotocol ${TUNNEL_PROTOCOL}`));
    return servePortForwardTunnel(acceptWebSocket(req, socket, head, TUNNEL_PROTOCOL), pod);
  }
  if (String(req.headers.upgrade ?? '').toLowerCase() !== 'spdy/3.1') return refuse(socket, badRequest('Upgrade request required'));
  servePortForwardSpdy(socket, head, pod);
}

/** Answers on the bare connection and closes it. */
function refuse(socket: Duplex, status: Status): void {
  const body = `${JSON.stringify(status)}\n`;
  socket.end(
    `HTTP/1.1 ${status.code} ${STATUS_CODES[status.code] ?? ''}\r\nCache-Control: no-cache, private\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
