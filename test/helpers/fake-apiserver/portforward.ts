// pods/{name}/portforward: protocol portforward.k8s.io over SPDY/3.1, reached
// two ways as from a real kube-apiserver: tunnelled in a WebSocket whose
// subprotocol is "SPDY/3.1+portforward.k8s.io" (what kubectl ≥ 1.31 tries
// first: client-go's tunneling dialer writes the SPDY bytes as binary
// messages), or as a plain SPDY upgrade (kubectl's fallback, and all it does
// with KUBECTL_PORT_FORWARD_WEBSOCKETS=false). For every local connection the
// client opens two streams sharing a `requestid`: `error`, where the server
// writes why forwarding failed before closing it, and `data`, the bytes. The
// kubelet's side of this fake connects each data stream to 127.0.0.1:<port>,
// so a test's own TCP server stands for the container's port.
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { RST, SpdySession, type SpdyStream } from './spdy.ts';
import type { WebSocketConn } from './websocket.ts';

/** The port-forward protocol version (portforward.PortForwardProtocolV1Name), sent as X-Stream-Protocol-Version. */
export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
/** constants.WebsocketsSPDYTunnelingPrefix + the port-forward protocol. */
export const TUNNEL_PROTOCOL = `SPDY/3.1+${PORT_FORWARD_PROTOCOL}`;

/** Port-forward over the WebSocket tunnel: SPDY bytes in binary messages, each of our frames one message. */
export function servePortForwardTunnel(ws: WebSocketConn, pod: string): void {
  const session = new SpdySession((bytes) => ws.send(bytes));
  const stop = servePortForward(session, pod);
  ws.onMessage((m) => session.receive(m));
  ws.onClose(stop);
  session.on('goaway', () => ws.close());
}

/** Port-forward after a SPDY/3.1 upgrade: answers 101 and speaks SPDY on the connection itself. */
export function servePortForwardSpdy(socket: Duplex, head: Buffer, pod: string): void {
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n' +
      `X-Stream-Protocol-Version: ${PORT_FORWARD_PROTOCOL}\r\n\r\n`,
  );
  const session = new SpdySession((bytes) => {
    if (socket.writable) socket.write(bytes);
  });
  const stop = servePortForward(session, pod);
  socket.on('data', (d: Buffer) => session.receive(d));
  socket.on('error', () => socket.destroy());
  socket.once('close', stop);
  session.on('goaway', () => socket.end());
  if (head.length > 0) session.receive(head);
}

/** Pairs the streams of each request and forwards them; returns what tears everything down. */
function servePortForward(session: SpdySession, pod: string): () => void {
  const waiting = new Map<string, { error?: SpdyStream; data?: SpdyStream }>();
  const conns = new Set<Socket>();
  session.on('stream', (stream) => {
    const type = stream.headers['streamtype'];
    const requestId = stream.headers['requestid'];
    if ((type !== 'error' && type !== 'data') || requestId === undefined) return stream.reset(RST.protocolError);
    session.reply(stream);
    const pair = waiting.get(requestId) ?? {};
    pair[type] = stream;
    waiting.set(requestId, pair);
    if (!pair.error || !pair.data) return;
    waiting.delete(requestId);
    const conn = forward(pair.error, pair.data, pod);
    conns.add(conn);
    conn.once('close', () => conns.delete(conn));
  });
  return () => {
    for (const c of conns) c.destroy();
  };
}

/**
 * Joins a data stream to 127.0.0.1:<port>. Each side's end half-closes the
 * other; when the connection is over the error stream is closed, after a
 * message if the port could not be reached (kubelet's portForward: "error
 * forwarding port …" written to the error stream).
 */
function forward(errorStream: SpdyStream, data: SpdyStream, pod: string): Socket {
  const port = Number(data.headers['port']);
  const conn = connect({ host: '127.0.0.1', port });
  let connected = false;
  conn.on('connect', () => (connected = true));
  conn.on('data', (d: Buffer) => data.write(d));
  conn.on('end', () => data.end());
  conn.on('error', (err: NodeJS.ErrnoException) => {
    if (connected) return;
    const why = err.code === 'ECONNREFUSED' ? 'connect: connection refused' : err.message;
    errorStream.write(Buffer.from(`error forwarding port ${port} to pod ${pod}, uid : failed to connect to localhost:${port} inside namespace "${pod}", IPv4: dial tcp4 127.0.0.1:${port}: ${why}`));
  });
  conn.once('close', () => {
    data.end();
    errorStream.end();
  });
  data.on('data', (d) => conn.write(d));
  data.on('end', () => conn.end());
  data.on('reset', () => conn.destroy());
  return conn;
}
