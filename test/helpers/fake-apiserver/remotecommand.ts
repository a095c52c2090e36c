// pods/{name}/exec and /attach over WebSocket: Kubernetes' remote-command
// protocol (k8s.io/apimachinery/pkg/util/remotecommand; the client is
// client-go's tools/remotecommand/websocket.go). Every binary message is one
// channel byte, then data: 0 stdin, 1 stdout, 2 stderr, 3 error (one
// metav1.Status as JSON once the command has ended, then the connection
// closes normally), 4 resize ({"Width":W,"Height":H} per terminal change). v5
// adds 255 CLOSE: [255, n] says the client has finished writing stream n — how
// a piped stdin's end reaches the command. Instead of a container runtime a few
// scripted commands run (see startCommand).
import type { WebSocketConn } from './websocket.ts';

/** v5 first (kubectl ≥ 1.30 offers only it); v4 for older clients, which cannot signal stdin's end. */
export const REMOTE_COMMAND_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** What the exec/attach request asked for (its query, as client-go builds it). */
export interface RemoteCommand {
  namespace: string;
  pod: string;
  container: string;
  /** Empty for attach: the container's main process. */
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** Reads the exec/attach query; `container` defaults to the pod's first container. */
export function remoteCommandOf(q: URLSearchParams, namespace: string, pod: string, firstContainer: string): RemoteCommand {
  const flag = (name: string) => q.get(name) === 'true' || q.get(name) === '1';
  return {
    namespace, pod,
    container: q.get('container') || firstContainer,
    command: q.getAll('command'),
    stdin: flag('stdin'), stdout: flag('stdout'), stderr: flag('stderr'), tty: flag('tty'),
  };
}

/** The command's side of the streams. */
interface ProcessIO {
  out(data: string | Buffer): void;
  err(data: string | Buffer): void;
  exit(code: number): void;
  /** The runtime could not run the command at all. */
  fail(message: string): void;
}

/** What the client's messages are delivered to. */
interface FakeProcess {
  stdin(data: Buffer): void;
  stdinEnd(): void;
  resize(width: number, height: number): void;
}

/** Runs one exec or attach session on an accepted WebSocket. */
export function serveRemoteCommand(ws: WebSocketConn, rc: RemoteCommand): void {
  let done = false;
  const send = (channel: number, data: string | Buffer) => {
    if (!done) ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
  };
  const finish = (status: object) => {
    send(CHANNEL.error, JSON.stringify(status));
    done = true;
    ws.close();
  };
  const io: ProcessIO = {
    out: (d) => rc.stdout && send(CHANNEL.stdout, d),
    // With a TTY there is no stderr stream: the terminal shows both.
    err: (d) => (rc.tty ? io.out(d) : rc.stderr && send(CHANNEL.stderr, d)),
    exit: (code) => !done && finish(exitStatus(rc.command, code)),
    fail: (message) => !done && finish(internalError(message)),
  };
  let proc: FakeProcess | undefined;
  const queued: Buffer[] = [];
  const deliver = (p: FakeProcess, m: Buffer) => {
    const data = m.subarray(1);
    if (m[0] === CHANNEL.stdin && rc.stdin) p.stdin(data);
    else if (m[0] === CHANNEL.resize) for (const size of resizes(data)) p.resize(size.Width, size.Height);
    else if (m[0] === CHANNEL.close && data[0] === CHANNEL.stdin && ws.protocol.startsWith('v5.')) p.stdinEnd();
  };
  const begin = () => {
    if (proc) return;
    proc = startCommand(rc, io);
    for (const m of queued.splice(0)) deliver(proc, m);
  };
  // A terminal session starts once kubectl has sent the terminal size (or after a second): a
  // command that ended at once would close the connection while kubectl still writes the size,
  // and kubectl would log that write's failure (v3.go "Unhandled Error" err="websocket: close sent").
  const timer = rc.tty ? setTimeout(begin, 1000) : undefined;
  if (!rc.tty) begin();
  ws.onClose(() => clearTimeout(timer));
  ws.onMessage((m) => {
    if (done || m.length === 0) return;
    if (proc) return deliver(proc, m);
    queued.push(m);
    if (m[0] === CHANNEL.resize) begin();
  });
}

function resizes(data: Buffer): Array<{ Width: number; Height: number }> {
  return data.toString('utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { Width: number; Height: number });
}

/** The kubelet's Status for a command that ran (remotecommand/httpstream.go, v4 writeStatus). */
function exitStatus(command: string[], code: number): object {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {}, status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/** apierrors.NewInternalError, as the kubelet reports a command the runtime could not start. */
function internalError(message: string): object {
  const text = `error executing command in container: ${message}`;
  return { metadata: {}, status: 'Failure', message: `Internal error occurred: ${text}`, reason: 'InternalError', details: { causes: [{ message: text }] }, code: 500 };
}

/**
 * The scripted "container":
 * - `echo-test` (and attach): writes a marker naming pod and container to
 *   stderr, then echoes stdin to stdout until stdin ends; with a TTY it
 *   echoes as a terminal does (CR → CR LF) and, on Ctrl-D, prints what it
 *   received (hex) and the last terminal size, then exits 0;
 * - `sh -c 'echo …; echo … >&2; cat; exit N'`: those statements, in order;
 * - anything else: the runtime's "executable file not found" failure.
 */
function startCommand(rc: RemoteCommand, io: ProcessIO): FakeProcess {
  const [cmd, ...args] = rc.command;
  if (cmd === undefined || cmd === 'echo-test') return echoTest(rc, io);
  if (cmd === 'sh' && args[0] === '-c' && args[1] !== undefined) return shell(args[1], io);
  setImmediate(() =>
    io.fail(`failed to exec in container: failed to start exec "0f3c9a7e": OCI runtime exec failed: exec failed: unable to start container process: exec: "${cmd}": executable file not found in $PATH: unknown`),
  );
  return { stdin() {}, stdinEnd() {}, resize() {} };
}

function echoTest(rc: RemoteCommand, io: ProcessIO): FakeProcess {
  // A container's terminal turns LF into CR LF (ONLCR); the fake is that terminal too.
  io.err(`echo-test on ${rc.pod}/${rc.container}${rc.tty ? '\r\n' : '\n'}`);
  if (!rc.stdin) setImmediate(() => io.exit(0));
  if (!rc.tty) return { stdin: (d) => io.out(d), stdinEnd: () => io.exit(0), resize() {} };
  const received: Buffer[] = [];
  let size = 'unknown';
  return {
    stdin(d) {
      for (const byte of d) {
        if (byte === 0x04) {
          io.out(`\r\nreceived ${Buffer.concat(received).toString('hex')} size ${size}\r\n`);
          return io.exit(0);
        }
        received.push(Buffer.from([byte]));
        io.out(byte === 0x0d ? '\r\n' : Buffer.from([byte]));
      }
    },
    stdinEnd: () => io.exit(0),
    resize: (w, h) => (size = `${w}x${h}`),
  };
}

/** A few shell statements, run in order; `cat` copies stdin until it ends. */
function shell(script: string, io: ProcessIO): FakeProcess {
  const statements = script.split(';').map((s) => s.trim()).filter((s) => s !== '');
  let status = 0;
  let catting = false;
  // Input that came before `cat` ran, and whether it has ended.
  const early: Buffer[] = [];
  let stdinEnded = false;
  const next = (): void => {
    for (let s = statements.shift(); s !== undefined; s = statements.shift()) {
      const exit = /^exit\s+(\d+)$/.exec(s);
      if (exit) return io.exit(Number(exit[1]));
      const echo = /^echo(?:\s+(.*?))?(\s*>&2)?$/.exec(s);
      if (echo) {
        (echo[2] ? io.err : io.out)(`${(echo[1] ?? '').replace(/^(['"])(.*)\1$/, '$2')}\n`);
        status = 0;
      } else if (s === 'cat') {
        for (const d of early.splice(0)) io.out(d);
        status = 0;
        if (!stdinEnded) {
          catting = true;
          return;
        }
      } else {
        io.err(`sh: 1: ${s.split(/\s+/)[0]}: not found\n`);
        status = 127;
      }
    }
    io.exit(status);
  };
  setImmediate(next);
  return {
    stdin: (d) => (catting ? io.out(d) : early.push(d)),
    stdinEnd: () => {
      stdinEnded = true;
      if (!catting) return;
      catting = false;
      next();
    },
    resize() {},
  };
}
