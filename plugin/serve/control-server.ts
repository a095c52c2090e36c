import { lstat, mkdir, rmdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import { formatFileMode } from '../cli/file-mode.ts';
import { SockError } from '../errors.ts';
import { listenOnSocketFile, removeSocketFile } from '../relay/socket-file.ts';
import { errnoText, SERVE_FOLDER_HINT } from '../relay/socket-folder.ts';
import { ControlRefusal, type GrantRequest, type RevokeAnswer, type SocketStatus } from './control-api.ts';

/** What the control socket can be asked to do. */
export interface ControlHandlers {
  list(): SocketStatus[];
  grant(r: GrantRequest): Promise<SocketStatus>;
  revoke(target: string): Promise<RevokeAnswer>;
}

/** A grant request is a few hundred bytes; anything past this is refused unread. */
const MAX_BODY = 64 * 1024;

/**
 * The folder of the control socket is the lock on it: it must be a real
 * folder (no symlink), owned by the server's user, that nobody else may
 * enter. It is created so when missing; an existing one that is any wider is
 * refused, never fixed, since someone else may already hold a way in.
 */
export async function prepareControlDir(dir: string, uid: number): Promise<{ created: boolean }> {
  let created = true;
  try {
    await mkdir(dir, { mode: 0o700 });
  } catch (err) {
    created = false;
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new SockError('E_CONTROL', `cannot create the control socket's folder ${dir}: ${errnoText(err)}`);
  }
  const st = await lstat(dir);
  const why = st.isSymbolicLink() ? 'it is a symbolic link'
    : !st.isDirectory() ? 'it is not a folder'
    : st.uid !== uid ? `it is owned by uid ${st.uid}`
    : (st.mode & 0o077) !== 0 ? `its mode is ${formatFileMode(st.mode)}`
    : undefined;
  if (why) throw new SockError('E_CONTROL', `refusing the control socket's folder ${dir}: ${why}; it must be a folder only uid ${uid} may enter (mode 0700), so that only the server's own user can grant and revoke`);
  return { created };
}

/** Serves the control protocol on `path`; resolves once it listens. */
export async function startControlServer(path: string, uid: number, h: ControlHandlers): Promise<{ close(): Promise<void> }> {
  const dir = dirname(path);
  const { created } = await prepareControlDir(dir, uid);
  const server = createServer((req, res) => void route(h, req, res));
  // A folder made here goes again on the way out (rmdir: only if empty).
  const cleanup = () => (created ? rmdir(dir).catch(() => undefined) : Promise.resolve());
  let file;
  try {
    file = await listenOnSocketFile(server, { path, cwd: '/', mode: 0o600, allowSharedDir: false, folderHint: SERVE_FOLDER_HINT, uid });
  } catch (err) {
    await cleanup();
    throw err;
  }
  return {
    async close() {
      server.close();
      server.closeAllConnections();
      await removeSocketFile(file);
      await cleanup();
    },
  };
}

async function route(h: ControlHandlers, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://control');
  try {
    if (req.method === 'GET' && url.pathname === '/v1/sockets') return reply(res, 200, { sockets: h.list() });
    if (req.method === 'POST' && url.pathname === '/v1/grants') return reply(res, 201, await h.grant((await readJson(req)) as GrantRequest));
    if (req.method === 'DELETE' && url.pathname === '/v1/grants') return reply(res, 200, await h.revoke(url.searchParams.get('target') ?? ''));
    throw new ControlRefusal(404, `no such control request: ${req.method} ${url.pathname}`);
  } catch (err) {
    const status = err instanceof ControlRefusal ? err.status : err instanceof SockError ? 400 : 500;
    reply(res, status, { message: (err as Error).message });
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new ControlRefusal(400, `the request is larger than ${MAX_BODY} bytes`);
    chunks.push(c as Buffer);
  }
  try {
    const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v;
  } catch {
    throw new ControlRefusal(400, 'the request is not a JSON object');
  }
}
