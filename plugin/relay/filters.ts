import { ConfigError } from '../errors.ts';
import { bytesOf, type Target } from './request-target.ts';
import { subresources, type Segments } from './routed-path.ts';

/**
 * The request filter of kubectl proxy (kubectl pkg/proxy/proxy_server.go
 * FilterServer), its defaults and its matching rules, plus the path handling
 * of Go's http.ServeMux that runs before it.
 */

/** kubectl's DefaultHostAcceptRE, DefaultPathAcceptRE, DefaultPathRejectRE, DefaultMethodRejectRE. */
export const DEFAULT_ACCEPT_HOSTS = '^localhost$,^127\\.0\\.0\\.1$,^\\[::1\\]$';
export const DEFAULT_ACCEPT_PATHS = '^.*';
export const DEFAULT_REJECT_PATHS = '^/api/.*/pods/.*/exec,^/api/.*/pods/.*/attach';
export const DEFAULT_REJECT_METHODS = '^$';

/** The four filter flags, as given (comma-separated regular expressions). */
export interface FilterSpec {
  acceptPaths: string;
  rejectPaths: string;
  acceptHosts: string;
  rejectMethods: string;
}

/** Compiled filter: FilterServer.accept. */
export interface RequestFilter {
  accepts(method: string, path: string, host: string): boolean;
}

/**
 * Go's regexp syntax as far as JavaScript can follow it: leading inline flags
 * `(?i)`, `(?s)`, `(?m)` become JavaScript flags, `\A` and `\z` become `^` and
 * `$`. Like Go's MatchString, the match is unanchored.
 */
export function goRegexp(source: string): RegExp {
  let src = source;
  let flags = '';
  const lead = /^\(\?([ims]+)\)/.exec(src);
  if (lead) {
    flags = [...new Set(lead[1])].join('');
    src = src.slice(lead[0].length);
  }
  src = src.replace(/(^|[^\\])((?:\\\\)*)\\A/g, '$1$2^').replace(/(^|[^\\])((?:\\\\)*)\\z/g, '$1$2$');
  return new RegExp(src, flags);
}

/** kubectl's MakeRegexpArray: comma-separated; the empty string is no expression at all. */
export function makeRegexpArray(list: string, flag: string): RegExp[] {
  if (list === '') return [];
  return list.split(',').map((part) => {
    try {
      return goRegexp(part);
    } catch (err) {
      // kubectl dies with "Error compiling re: error parsing regexp: …"; name the flag as well.
      throw new ConfigError(`Error compiling re: --${flag}: ${(err as Error).message}`);
    }
  });
}

function matchesRegexp(s: string, res: readonly RegExp[]): boolean {
  return res.some((re) => re.test(s));
}

/**
 * FilterServer.accept: reject paths and methods first, then require both an
 * accepted path and an accepted host. kubectl-sock also runs the path rules on
 * the dot-segment-free form of the path, so `/x/%2E%2E/api/…/exec` cannot slip
 * past `^/api/…` to a server that resolves dot segments.
 */
export function compileFilter(spec: FilterSpec): RequestFilter {
  const acceptPaths = makeRegexpArray(spec.acceptPaths, 'accept-paths');
  const rejectPaths = makeRegexpArray(spec.rejectPaths, 'reject-paths');
  const acceptHosts = makeRegexpArray(spec.acceptHosts, 'accept-hosts');
  const rejectMethods = makeRegexpArray(spec.rejectMethods, 'reject-methods');
  return {
    accepts(method, path, host) {
      const forms = dotFree(path) === path ? [path] : [path, dotFree(path)];
      if (forms.some((p) => matchesRegexp(p, rejectPaths))) return false;
      if (matchesRegexp(method, rejectMethods)) return false;
      return forms.every((p) => matchesRegexp(p, acceptPaths)) && matchesRegexp(host, acceptHosts);
    },
  };
}

/**
 * kubectl's extractHost: net.SplitHostPort's host, or the whole header when it
 * has no valid port (so `[::1]` stays bracketed while `[::1]:80` does not).
 */
export function extractHost(header: string): string {
  return splitHostPort(header) ?? header;
}

/** Go's net.SplitHostPort; undefined where Go returns an error. */
export function splitHostPort(hostport: string): string | undefined {
  const i = hostport.lastIndexOf(':');
  if (i < 0) return undefined;
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0 || end + 1 !== i) return undefined;
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) return undefined;
  }
  if (hostport.slice(j).includes('[') || hostport.slice(k).includes(']')) return undefined;
  return host;
}

/** Go's path.Clean for a rooted path. */
function dotFree(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

/** net/http's cleanPath: ServeMux answers a path that differs from it with a 301 to it. */
export function cleanPath(p: string): string {
  if (p === '') return '/';
  const rooted = p.startsWith('/') ? p : `/${p}`;
  const np = dotFree(rooted);
  return rooted.endsWith('/') && np !== '/' ? `${np}/` : np;
}

/**
 * The path under --api-prefix, as kubectl serves it: ServeMux's subtree
 * pattern, then stripLeaveSlash unless the prefix starts with /api.
 * Returns undefined for a path outside the prefix (Go's 404) and 'redirect'
 * for the prefix without its slash (ServeMux's 301 to it). stripLeaveSlash
 * changes url.Path and leaves RawPath, which then no longer matches: Go
 * sends the stripped path in its own escaping (escapedPath does the same).
 */
export function underPrefix(t: Target, prefix: string): Target | 'redirect' | undefined {
  if (prefix === '/') return t;
  if (`${t.path}/` === prefix) return 'redirect';
  if (!t.path.startsWith(prefix)) return undefined;
  if (prefix.startsWith('/api')) return t;
  const strip = (p: string, pre: string) => `/${p.slice(pre.length)}`.replace(/^\/\//, '/');
  return { rawPath: t.rawPath, path: strip(t.path, prefix), bytes: strip(t.bytes, bytesOf(prefix)), rawQuery: t.rawQuery };
}

/** Subresources that act rather than read, even over GET (exec and attach by WebSocket are GETs). */
const ACTING = new Set(['exec', 'attach', 'portforward', 'proxy']);

/**
 * --read-only: only GET and HEAD (a watch is a GET), and no subresource that
 * acts in any reading of the path (routed-path.ts). Returns why a request is
 * refused, or undefined when it may pass.
 */
export function readOnlyRefusal(method: string, views: readonly Segments[], upgrade: boolean): string | undefined {
  const why = 'kubectl sock proxy is serving read-only (--read-only)';
  if (method !== 'GET' && method !== 'HEAD') return `${why}: ${method} is not allowed; only GET, HEAD and watch requests are`;
  if (upgrade) return `${why}: connection upgrades (exec, attach, port-forward) are not allowed`;
  const sub = [...subresources(views)].find((s) => ACTING.has(s));
  if (sub !== undefined) {
    return `${why}: the ${sub} subresource is not a read; exec, attach, portforward and proxy are not allowed`;
  }
  return undefined;
}
