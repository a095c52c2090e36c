// A fake kubelet: HTTPS, serving GET /containerLogs/{ns}/{pod}/{container}
// the way the kubelet does (follow, tailLines, timestamps, sinceSeconds,
// sinceTime, limitBytes, previous, stream), behind the project's fake API
// server or a real kube-apiserver. Its certificate is whatever it is given:
// makePki(...).expiredServer is how the backend-skip path gets tested.
//
// As a module:  const k = await start({ cert, key }); k.setLogs('default', 'web', 'app', 'one\ntwo\n');
// As a program: node test/helpers/fake-kubelet.ts --cert F --key F [--port N] [--host H] [--log NS/POD/CONTAINER=FILE]...
//               prints {"port":N,"pid":P} once listening; SIGTERM/SIGINT close it.
import { readFileSync, realpathSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { LogWriter, parseKubeletQuery, selectLines, toLines, type KubeletLogLine, type KubeletLogOptions, type LogInput } from './fake-kubelet/container-logs.ts';

export type { KubeletLogLine, LogInput } from './fake-kubelet/container-logs.ts';

export interface FakeKubeletOptions {
  /** PEM serving certificate and key. */
  cert: string;
  key: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface KubeletRequest {
  method: string;
  /** Path and query, as received: `/containerLogs/ns/pod/c?tailLines=2`. */
  url: string;
}

export interface FakeKubelet {
  port: number;
  /** https://HOST:PORT */
  url: string;
  /** Every request, in arrival order (a failed TLS handshake leaves none). */
  requests: KubeletRequest[];
  /** Replaces a container's log; `previous` is the last terminated instance's. Makes the pod and container known. */
  setLogs(namespace: string, pod: string, container: string, lines: LogInput, opts?: { previous?: boolean }): void;
  /** Adds lines to a container's log and to every stream following it. */
  appendLogs(namespace: string, pod: string, container: string, lines: LogInput): void;
  /** Ends every following stream, as a kubelet does when the container stops. */
  endStreams(): void;
  close(): Promise<void>;
}

type Follower = (lines: KubeletLogLine[]) => void;

const keyOf = (ns: string, pod: string, container: string, previous = false): string => `${ns}/${pod}/${container}${previous ? '#previous' : ''}`;

class LogBook {
  readonly logs = new Map<string, KubeletLogLine[]>();
  readonly followers = new Map<string, Set<Follower>>();

  knowsPod(ns: string, pod: string): boolean {
    return [...this.logs.keys()].some((k) => k.startsWith(`${ns}/${pod}/`));
  }

  append(key: string, lines: KubeletLogLine[]): void {
    const list = this.logs.get(key) ?? [];
    for (const l of lines) list.push(l);
    this.logs.set(key, list);
    for (const fn of this.followers.get(key) ?? []) fn(lines);
  }

  follow(key: string, fn: Follower): () => void {
    let set = this.followers.get(key);
    if (!set) this.followers.set(key, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }
}

/** go-restful's WriteError: the error text as the body. */
function fail(res: ServerResponse, code: number, message: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(message);
}

function serve(req: IncomingMessage, res: ServerResponse, book: LogBook, open: Set<ServerResponse>): void {
  const url = new URL(req.url ?? '/', 'https://kubelet');
  const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
  if (req.method !== 'GET' || !m) return fail(res, 404, '404 page not found\n');
  const [ns, pod, container] = m.slice(1).map(decodeURIComponent) as [string, string, string];
  let opts: KubeletLogOptions;
  try {
    opts = parseKubeletQuery(url.searchParams);
  } catch (err) {
    return fail(res, 400, (err as Error).message);
  }
  // pkg/kubelet/server/server.go getContainerLogs, then validateContainerLogStatus.
  if (!book.knowsPod(ns, pod)) return fail(res, 404, `pod ${JSON.stringify(pod)} does not exist`);
  const current = book.logs.get(keyOf(ns, pod, container));
  const previous = book.logs.get(keyOf(ns, pod, container, true));
  if (!current && !previous) return fail(res, 404, `container ${JSON.stringify(container)} not found in pod ${JSON.stringify(pod)}`);
  if (opts.previous && !previous) return fail(res, 400, `previous terminated container ${JSON.stringify(container)} in pod ${JSON.stringify(pod)} not found`);
  const writer = new LogWriter(opts);
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  const body = writer.render(selectLines((opts.previous ? previous : current) ?? [], opts, Date.now()));
  if (body.length > 0) res.write(body);
  if (!opts.follow || opts.previous || writer.done()) return void res.end();
  res.flushHeaders();
  open.add(res);
  const stop = (): void => {
    unfollow();
    open.delete(res);
    if (!res.writableEnded) res.end();
  };
  const unfollow = book.follow(keyOf(ns, pod, container), (lines) => {
    const more = writer.render(lines);
    if (more.length > 0) res.write(more);
    if (writer.done()) stop();
  });
  req.on('close', stop);
  res.on('close', stop);
}

/** Starts a fake kubelet on HTTPS. */
export async function start(opts: FakeKubeletOptions): Promise<FakeKubelet> {
  const book = new LogBook();
  const open = new Set<ServerResponse>();
  const requests: KubeletRequest[] = [];
  const server: Server = createServer({ cert: opts.cert, key: opts.key }, (req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/' });
    serve(req, res, book, open);
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((ok, failed) => {
    server.once('error', failed);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', failed);
      ok();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const endStreams = (): void => {
    for (const res of [...open]) res.end();
  };
  return {
    port,
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    requests,
    setLogs(ns, pod, container, lines, o) {
      book.logs.set(keyOf(ns, pod, container, o?.previous), toLines(lines));
    },
    appendLogs(ns, pod, container, lines) {
      book.append(keyOf(ns, pod, container), toLines(lines));
    },
    endStreams,
    close() {
      endStreams();
      return new Promise((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
    },
  };
}

/** The program: `--log NS/POD/CONTAINER=FILE` loads a container's log from a file (repeatable). */
async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      cert: { type: 'string' },
      key: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      log: { type: 'string', multiple: true },
    },
  });
  if (!values.cert || !values.key) throw new Error('usage: fake-kubelet.ts --cert FILE --key FILE [--port N] [--host H] [--log NS/POD/CONTAINER=FILE]...');
  const kubelet = await start({
    cert: readFileSync(values.cert, 'utf8'),
    key: readFileSync(values.key, 'utf8'),
    port: values.port ? Number(values.port) : 0,
    ...(values.host ? { host: values.host } : {}),
  });
  for (const spec of values.log ?? []) {
    const m = /^([^/]+)\/([^/]+)\/([^=]+)=(.+)$/.exec(spec);
    if (!m) throw new Error(`--log wants NS/POD/CONTAINER=FILE, got ${JSON.stringify(spec)}`);
    kubelet.setLogs(m[1] as string, m[2] as string, m[3] as string, readFileSync(m[4] as string, 'utf8'));
  }
  process.stdout.write(`${JSON.stringify({ port: kubelet.port, pid: process.pid })}\n`);
  const stop = (): void => void kubelet.close();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

const invoked = process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(import.meta.filename);
if (invoked) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`fake-kubelet: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
