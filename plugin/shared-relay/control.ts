import { connect, createServer, type Server, type Socket } from 'node:net';
import type { RelayInfo } from './relay-files.ts';

/**
 * The relay's control socket (as ssh's ControlMaster socket), in its 0700
 * folder: clients ask over it whether the relay lives, and for a kubeconfig;
 * `relay stop` ends it. One JSON line each way. Nothing secret crosses it:
 * the token stays in the kubeconfig files beside it.
 */
export type ControlRequest =
  /**
   * Is the relay there? `persist` pins it (env); `lease` keeps it from its
   * idle exit while that process lives (the kubectl it hands over to);
   * `kubeconfig` asks for the file of that context and namespace.
   */
  | { op: 'hello'; persist?: boolean; lease?: number; kubeconfig?: { context: string; namespace: string }; probe?: boolean }
  | { op: 'stop' };

/** `upstream: 'down'` answers a hello with `probe`: the relay's server took no connection just now. */
export type ControlReply = { ok: true; info: RelayInfo; kubeconfig?: string; upstream?: 'down' } | { ok: false; error: string };

/**
 * Whether a relay's certificate is in its last tenth (at most its last hour
 * of validity): such a relay is replaced before kubectl could meet it expired.
 */
export function expiring(now: Date, info: RelayInfo): boolean {
  const validity = info.notAfter - Date.parse(info.started);
  return now.getTime() >= info.notAfter - Math.min(3600_000, validity / 10);
}

/** How long a relay may take to answer before it counts as hung. */
const ANSWER_TIMEOUT_MS = 5000;

/**
 * Asks the relay at `socketPath`. Undefined when no relay is there (no
 * socket, or a stale one nobody listens on) or it does not answer in time:
 * either way, it is not a relay to use.
 */
export function askRelay(socketPath: string, req: ControlRequest, timeoutMs = ANSWER_TIMEOUT_MS): Promise<ControlReply | undefined> {
  return new Promise((resolve) => {
    const s = connect(socketPath);
    let text = '';
    const done = (r: ControlReply | undefined) => {
      clearTimeout(timer);
      s.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    s.setEncoding('utf8');
    s.on('error', () => done(undefined));
    s.on('data', (c: string) => {
      text += c;
      const nl = text.indexOf('\n');
      if (nl < 0) return;
      try {
        done(JSON.parse(text.slice(0, nl)) as ControlReply);
      } catch {
        done(undefined);
      }
    });
    s.on('end', () => done(undefined));
    s.write(`${JSON.stringify(req)}\n`);
  });
}

/**
 * Serves the control socket (a path, or a listening descriptor handed down):
 * each line is a request, answered by `handle` on the same connection.
 */
export function serveControl(on: { path: string } | { fd: number }, handle: (req: ControlRequest) => ControlReply | Promise<ControlReply>): Promise<Server> {
  const server = createServer((s: Socket) => {
    let text = '';
    s.setEncoding('utf8');
    s.on('error', () => s.destroy());
    // Answers go out in the order the requests came, even when one of them waits (a probe).
    let answered: Promise<unknown> = Promise.resolve();
    s.on('data', (c: string) => {
      text += c;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n')) {
        const line = text.slice(0, nl);
        text = text.slice(nl + 1);
        const reply = (async (): Promise<ControlReply> => handle(JSON.parse(line) as ControlRequest))()
          .catch((err: unknown): ControlReply => ({ ok: false, error: (err as Error).message }));
        answered = answered.then(async () => {
          if (!s.destroyed) s.write(`${JSON.stringify(await reply)}\n`);
        });
      }
      // A client that sends a megabyte without a newline is not one of ours.
      if (text.length > 1 << 20) s.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen('path' in on ? on.path : { fd: on.fd }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
