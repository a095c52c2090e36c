import { isAbsolute, normalize } from 'node:path';
import { parseGoDuration } from '../cli/duration.ts';
import { formatFileMode, parseFileMode } from '../cli/file-mode.ts';
import { parseRFC3339 } from '../kube/logs/go-time.ts';
import { makeRegexpArray } from '../relay/filters.ts';

/**
 * One socket `kubectl sock serve` serves, as its config file or a grant
 * describes it: where, whose, with which mode, as which Kubernetes identity,
 * and with which of proxy's rules. The checks of each field are pure and
 * shared by the config file and `kubectl sock grant`; they throw a plain
 * Error whose message the caller prefixes with where the field was written.
 */
export interface SocketSpec {
  /** Absolute and clean. */
  path: string;
  /** A user name, or a uid in decimal. */
  owner: string;
  /** A group name or gid; without it the socket keeps the server's group. */
  group?: string;
  mode: number;
  /** Impersonate-User. */
  as: string;
  /** Impersonate-Group, in order. */
  asGroups: string[];
  /** Impersonate-Uid. */
  asUid?: string;
  readOnly: boolean;
  /** Counted from when the server first serves this socket. */
  expireAfterMs?: number;
  /** Epoch ms. */
  expiresAt?: number;
  /** proxy's filters, as its flags take them: comma-separated Go regular expressions. */
  acceptPaths: string;
  rejectPaths: string;
  rejectMethods: string;
  /** Client connections served at once; absent: DEFAULT_MAX_CONNECTIONS; 0: no limit. */
  maxConnections?: number;
}

/**
 * Where a socket came from, for `grants` and for errors that point at it: an
 * entry of the config file, or a grant (kept in the grants file; line 0 for
 * one being made now).
 */
export interface SocketOrigin {
  kind: 'config' | 'grant';
  file: string;
  line: number;
  index: number;
}

/** "serve.yaml:7: sockets[0]" (or '' for a grant being made), to prefix a field's error. */
export function originField(o: SocketOrigin, field: string): string {
  return o.line > 0 ? `${o.file}:${o.line}: sockets[${o.index}].${field}` : field;
}

/**
 * The filters a socket has unless it says otherwise. Unlike proxy's, exec and
 * attach are not refused: each socket acts as its own identity, so the API
 * server's RBAC decides, and a unix socket is out of a browser's reach (the
 * XSRF that proxy's defaults guard against). Any Host is accepted for the same reason.
 */
export const SERVE_DEFAULT_FILTERS = { acceptPaths: '^.*', rejectPaths: '', rejectMethods: '^$', acceptHosts: '^.*' } as const;

/** sun_path holds 108 bytes with the terminating NUL. */
const MAX_SOCKET_PATH = 107;

/** The mode a socket has unless one is given. */
export const DEFAULT_SOCKET_MODE = 0o600;

/**
 * The connections one socket serves at once unless it says otherwise. Each
 * costs the server a file descriptor (two while a request is upstream), and
 * a client that connects and never speaks holds its one for good (kubectl
 * proxy's Go server has no deadline either): without a bound, one owner could
 * take every descriptor of the server and starve every other socket.
 */
export const DEFAULT_MAX_CONNECTIONS = 256;

/** maxConnections: a whole number, 0 for no limit (as proxy's --max-connections). */
export function checkMaxConnections(v: unknown): number {
  const s = checkString(v);
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(Number(s))) throw new Error(`want a whole number of connections (0: no limit), got ${JSON.stringify(s)}`);
  return Number(s);
}

/** The connections a socket serves at once (0: no limit). */
export function maxConnectionsOf(s: Pick<SocketSpec, 'maxConnections'>): number {
  return s.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
}

export function checkPath(v: unknown): string {
  const p = checkString(v);
  if (!isAbsolute(p)) throw new Error(`want an absolute path, got ${JSON.stringify(p)}`);
  if (normalize(p) !== p || p.endsWith('/')) throw new Error(`want a clean path (no //, . or .. segments, no trailing /), got ${JSON.stringify(p)}`);
  if (p.includes('\0')) throw new Error('the path contains a NUL byte');
  const bytes = Buffer.byteLength(p);
  if (bytes > MAX_SOCKET_PATH) throw new Error(`the path is too long for a unix socket (${bytes} bytes; at most ${MAX_SOCKET_PATH})`);
  return p;
}

/** A user or group as `chown` takes it: a name, or a number. */
export function checkAccount(v: unknown): string {
  if (typeof v === 'number' && Number.isInteger(v)) return checkAccount(String(v));
  const s = checkString(v);
  if (/^\d+$/.test(s)) {
    const id = Number(s);
    // 4294967295 is (uid_t)-1, which chown reads as "leave unchanged".
    if (id >= 0xffffffff) throw new Error(`${s} is not a valid id`);
    return String(id);
  }
  if (/[\s:/]/.test(s)) throw new Error(`${JSON.stringify(s)} is not a user or group name`);
  return s;
}

/** Whether an owner or group is written as a number. */
export function isNumericAccount(s: string): boolean {
  return /^\d+$/.test(s);
}

/**
 * The socket's mode: octal, the owner able to read and write, nobody else
 * but a named group. Other users are never let in: each socket acts as
 * someone, and every local user could act as them.
 */
export function checkMode(text: string, hasGroup: boolean): number {
  const mode = parseFileMode(text);
  if (Number.isNaN(mode)) throw new Error(`want an octal mode such as "0600" or "0660", got ${JSON.stringify(text)}`);
  const shown = formatFileMode(mode);
  if ((mode & 0o600) !== 0o600) throw new Error(`mode ${shown}: the owner needs read and write permission (0600)`);
  if ((mode & 0o007) !== 0) throw new Error(`mode ${shown} lets every local user act through the socket; at most 0660`);
  if ((mode & 0o070) !== 0 && !hasGroup) throw new Error(`mode ${shown} lets a group in: name it with group`);
  return mode;
}

/** A Kubernetes user, group or uid to impersonate. */
export function checkIdentityName(v: unknown): string {
  const s = checkString(v);
  // The value travels as an HTTP header value: no control characters.
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(s)) throw new Error(`${JSON.stringify(s)} contains a control character`);
  return s;
}

/** A Go duration, more than zero. */
export function checkDuration(text: string): number {
  const ms = parseGoDuration(text);
  if (ms <= 0) throw new Error(`want a duration above zero such as 8h or 30m, got ${JSON.stringify(text)}`);
  return ms;
}

/** An RFC 3339 time, as kubectl's --since-time takes it; epoch ms. */
export function checkTime(text: string): number {
  return parseRFC3339(text);
}

/** One of proxy's filters: a comma-separated string, or a list of expressions. */
export function checkFilter(v: unknown, flag: string): string {
  let text: string;
  if (Array.isArray(v)) {
    const items = v.map((item, i) => {
      const s = checkString(item, true);
      if (s.includes(',')) throw new Error(`item ${i}: a comma splits expressions, as in proxy's --${flag}; write each as its own item`);
      return s;
    });
    text = items.join(',');
  } else {
    text = checkString(v, true);
  }
  try {
    makeRegexpArray(text, flag);
  } catch (err) {
    // makeRegexpArray says "Error compiling re: --flag: Invalid regular expression: /(/: why"; the field is named already.
    throw new Error((err as Error).message.replace(/^Error compiling re: --[a-z-]+: (Invalid regular expression: )?/, 'invalid regular expression '));
  }
  return text;
}

export function checkBool(v: unknown): boolean {
  if (typeof v !== 'boolean') throw new Error(`want true or false, got ${JSON.stringify(v)}`);
  return v;
}

export function checkString(v: unknown, emptyOk = false): string {
  if (typeof v === 'number' || typeof v === 'bigint') v = String(v);
  if (typeof v !== 'string') throw new Error(`want a string, got ${describe(v)}`);
  if (v === '' && !emptyOk) throw new Error('must not be empty');
  return v;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  return JSON.stringify(v);
}

/** The Impersonate-* headers a socket's requests carry (client-go's impersonating round tripper). */
export function identityHeaders(s: Pick<SocketSpec, 'as' | 'asGroups' | 'asUid'>): Record<string, string | string[]> {
  const h: Record<string, string | string[]> = { 'impersonate-user': s.as };
  if (s.asUid !== undefined) h['impersonate-uid'] = s.asUid;
  if (s.asGroups.length > 0) h['impersonate-group'] = s.asGroups;
  return h;
}

/** Whether two specs serve the same thing (a reload keeps such a socket and its connections). */
export function sameSpec(a: SocketSpec, b: SocketSpec): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(s: SocketSpec): unknown[] {
  return [s.path, s.owner, s.group, s.mode, s.as, s.asGroups, s.asUid, s.readOnly, s.expireAfterMs, s.expiresAt, s.acceptPaths, s.rejectPaths, s.rejectMethods, maxConnectionsOf(s)];
}
