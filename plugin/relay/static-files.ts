import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { posix } from 'node:path';
import type { Exchange } from './access-log.ts';
import { cleanPath } from './filters.ts';
import { parseTarget } from './request-target.ts';
import { detectContentType, typeByExtension } from './mime-types.ts';
import { goConnectionHeader, goError, movedPermanently, sendReply } from './responses.ts';

/** kubectl proxy's --www and --www-prefix (with its trailing slash). */
export interface StaticFiles {
  dir: string;
  prefix: string;
}

/**
 * Whether the request is the static files' (Go's ServeMux: the longest of the
 * two registered prefixes wins, and the prefix without its slash redirects to
 * it); only a request whose path is already clean: the API side redirects the rest.
 */
export function isStaticRequest(req: IncomingMessage, files: StaticFiles, apiPrefix: string): boolean {
  if (req.headers.host === undefined && req.httpVersion === '1.1') return false;
  const t = parseTarget(req.url ?? '');
  if (!t || cleanPath(t.rawPath) !== t.rawPath) return false;
  if (`${t.path}/` === files.prefix) return true;
  return t.path.startsWith(files.prefix) && files.prefix.length > (t.path.startsWith(apiPrefix) ? apiPrefix.length : 0);
}

/**
 * kubectl proxy's static file server: http.StripPrefix(prefix,
 * http.FileServer(http.Dir(dir))), answered byte for byte as Go's net/http
 * answers (redirects to canonical paths, index.html, directory listings,
 * Content-Type by extension or sniffed, Last-Modified, If-Modified-Since, a
 * single byte range).
 */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, x: Exchange, files: StaticFiles): Promise<void> {
  const method = req.method ?? 'GET';
  const t = parseTarget(req.url ?? '') as NonNullable<ReturnType<typeof parseTarget>>;
  const query = t.rawQuery ? `?${t.rawQuery}` : '';
  if (`${t.path}/` === files.prefix) return reply(res, x, movedPermanently(files.prefix + query, method), method);
  let upath = t.path.slice(files.prefix.length);
  if (!upath.startsWith('/')) upath = `/${upath}`;
  const redirect = (to: string) => reply(res, x, { status: 301, headers: [['Location', to + query]], body: '' }, method);
  if (upath.endsWith('/index.html')) return redirect('./');
  const name = posix.normalize(upath);
  const full = posix.join(files.dir, name);
  let st;
  try {
    st = await stat(full);
  } catch (err) {
    return fail(res, x, err, method);
  }
  if (st.isDirectory() && !upath.endsWith('/')) return redirect(`${posix.basename(upath)}/`);
  if (!st.isDirectory() && upath.endsWith('/')) {
    const base = posix.basename(upath);
    return redirect(`../${base === '/' || base === '.' ? '' : base}`);
  }
  let file = full;
  if (st.isDirectory()) {
    const index = posix.join(full, 'index.html');
    const ist = await stat(index).catch(() => undefined);
    if (ist) [file, st] = [index, ist];
  }
  const modified = new Date(Math.floor(st.mtimeMs / 1000) * 1000);
  if (notModifiedSince(req, modified)) return notModified(res, x, modified);
  if (st.isDirectory()) return listing(res, x, full, modified, method).catch((err: unknown) => fail(res, x, err, method));
  const fh = await open(file, 'r').catch((err: unknown) => err as Error);
  if (fh instanceof Error) return fail(res, x, fh, method);
  try {
    await content(req, res, x, fh, st.size, modified, posix.basename(file));
  } finally {
    await fh.close();
  }
}

/** Go's writeNotModified: Last-Modified and Date, no body and no length. */
function notModified(res: ServerResponse, x: Exchange, modified: Date): void {
  res.statusCode = 304;
  res.setHeader('Last-Modified', modified.toUTCString());
  res.setHeader('Date', new Date().toUTCString());
  goConnectionHeader(res);
  x.status = 304;
  res.end();
}

/** If-Modified-Since, for GET and HEAD, at a second's resolution as Go compares. */
function notModifiedSince(req: IncomingMessage, modified: Date): boolean {
  const since = req.headers['if-modified-since'];
  if (!since || (req.method !== 'GET' && req.method !== 'HEAD') || req.headers['if-none-match']) return false;
  const t = Date.parse(since);
  return !Number.isNaN(t) && modified.getTime() <= t;
}

async function content(req: IncomingMessage, res: ServerResponse, x: Exchange, fh: FileHandle, size: number, modified: Date, base: string): Promise<void> {
  const method = req.method ?? 'GET';
  let type = typeByExtension(base);
  if (type === '') {
    const head = Buffer.alloc(Math.min(512, size));
    await fh.read(head, 0, head.length, 0);
    type = detectContentType(head);
  }
  const range = byteRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    const r = goError(416, 'invalid range: failed to overlap');
    // Go's status text for 416 is the RFC 7233 one.
    return reply(res, x, { ...r, reason: 'Requested Range Not Satisfiable', headers: [['Content-Range', `bytes */${size}`], ...r.headers] }, method);
  }
  const [from, to] = range ?? [0, size - 1];
  const length = size === 0 ? 0 : to - from + 1;
  const headers: Array<[string, string]> = [['Accept-Ranges', 'bytes'], ['Content-Length', String(length)]];
  if (range) headers.push(['Content-Range', `bytes ${from}-${to}/${size}`]);
  headers.push(['Content-Type', type], ['Last-Modified', modified.toUTCString()]);
  res.statusCode = range ? 206 : 200;
  for (const [k, v] of headers) res.setHeader(k, v);
  res.setHeader('Date', new Date().toUTCString());
  goConnectionHeader(res);
  x.status = res.statusCode;
  if (method === 'HEAD' || length === 0) return void res.end();
  const body = Buffer.alloc(length);
  await fh.read(body, 0, length, from);
  x.bytes = length;
  res.end(body);
}

/** One `bytes=a-b` range within the file; several ranges are served whole (Go would send multipart/byteranges). */
function byteRange(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header ?? '');
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Math.min(Number(m[2]), size);
    return n === 0 ? 'unsatisfiable' : [size - n, size - 1];
  }
  const from = Number(m[1]);
  if (from >= size) return 'unsatisfiable';
  return [from, m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)];
}

/** Go's dirList: a sorted HTML list of the folder's names, folders with a slash. */
async function listing(res: ServerResponse, x: Exchange, dir: string, modified: Date, method: string): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
  entries.sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1));
  const links = entries.map((n) => `<a href="${hrefOf(n)}">${htmlEscape(n)}</a>\n`).join('');
  const body = `<!doctype html>\n<meta name="viewport" content="width=device-width">\n<pre>\n${links}</pre>\n`;
  reply(res, x, { status: 200, headers: [['Content-Type', 'text/html; charset=utf-8'], ['Last-Modified', modified.toUTCString()]], body }, method);
}

/** url.URL{Path: name}.String(): Go's path escaping, and "./" before a first segment with a colon. */
function hrefOf(name: string): string {
  const escaped = [...Buffer.from(name)].map((b) => {
    const c = String.fromCharCode(b);
    return /[A-Za-z0-9\-_.~$&+,/:;=@]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
  const first = escaped.split('/')[0] ?? '';
  return first.includes(':') ? `./${escaped}` : escaped;
}

function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c] as string);
}

/** Go's toHTTPError: missing 404, denied 403, anything else 500. */
function fail(res: ServerResponse, x: Exchange, err: unknown, method: string): void {
  const code = (err as NodeJS.ErrnoException).code;
  const r = code === 'ENOENT' || code === 'ENOTDIR' ? goError(404, '404 page not found')
    : code === 'EACCES' || code === 'EPERM' ? goError(403, '403 Forbidden') : goError(500, '500 Internal Server Error');
  reply(res, x, r, method);
}

function reply(res: ServerResponse, x: Exchange, r: Parameters<typeof sendReply>[1], method: string): void {
  x.status = r.status;
  x.bytes = sendReply(res, r, method);
}
