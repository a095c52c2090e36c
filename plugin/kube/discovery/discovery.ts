import { mkdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonSyntaxError } from '../../errors.ts';
import type { ServerAddress } from '../../transport/address.ts';
import type { KubeClient } from '../rest/client.ts';
import { clearKubectlCache, kubectlCacheTime, mtimeMs, readKubectlCache } from './kubectl-disk-cache.ts';
import { legacyResources, legacyVersions, type LegacyResourceList } from './legacy-discovery.ts';

/** One resource type the server serves, in one group version. */
export interface ApiResource {
  group: string;
  version: string;
  /** Plural, lower case: "pods". */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Whether `version` is the group's preferred version. */
  preferred: boolean;
}

/** What discovery found, in the server's priority order (core first, then /apis in order). */
export interface Discovery {
  resources: ApiResource[];
}

/** kubectl's aggregated-discovery Accept header (client-go discovery_client.go AcceptV2). */
export const AGGREGATED_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

/** kubectl's discovery cache lifetime (cli-runtime config_flags.go: 6 hours). */
export const DISCOVERY_TTL_MS = 6 * 60 * 60 * 1000;

const CACHE_FILE = 'kubectl-sock-discovery.json';
const CACHE_FORMAT = 1;

/** The cache folder for a server: <cacheDir>/discovery/<discoveryCacheKey>. */
export function discoveryCacheDir(cacheDir: string, address: ServerAddress): string {
  return join(cacheDir, 'discovery', discoveryCacheKey(address));
}

/**
 * A server's folder name under <cacheDir>/discovery: kubectl's own keying for
 * http(s) hosts (computeDiscoverCacheDir: scheme stripped, `[^(\w/.)]` → `_`),
 * so an https server shares kubectl's folder and cache (kubectl-disk-cache.ts);
 * a socket gets a flat name plus a hash, so two paths that sanitise alike never
 * share a cache. The shared relay links its own 127.0.0.1_PORT folder here.
 */
export function discoveryCacheKey(address: ServerAddress): string {
  if (address.transport === 'unix') {
    const hash = fnv1a64(address.display);
    const safe = address.socketPath.replace(/[^\w.]/g, '_').slice(-80);
    return `${address.tls ? 'https+unix' : 'unix'}${safe}_${hash}`;
  }
  return `${address.authority}${address.basePath}`.replace(/[^(\w/.)]/g, '_');
}

/**
 * FNV-1a, 64 bits, as 16 hex digits: enough to keep two socket paths that
 * sanitise alike apart. (node:crypto would cost ~8 ms of start-up on a path
 * that has no other use for it.)
 */
function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text, 'utf8')) h = BigInt.asUintN(64, (h ^ BigInt(byte)) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
}

export interface DiscoveryOptions {
  client: KubeClient;
  /** The cache folder (--cache-dir/KUBECACHEDIR/~/.kube/cache), or undefined for none. */
  cacheDir?: string;
  now: () => Date;
  /** Skip the cache (kubectl refetches when a name is not found in cached discovery). */
  fresh?: boolean;
}

/**
 * Discovery as kubectl's one cache gives it, though two programs keep it in
 * one folder: kubectl's files when kubectl wrote them after ours (it fetched
 * since: a passed-through verb, or kubectl itself on an https server), else
 * ours while younger than 6 h, else the server's (and then kubectl's files
 * go, so the next kubectl fetches too rather than trust what may be stale).
 * The warm path costs one stat beyond reading our file.
 */
export async function discover(opts: DiscoveryOptions): Promise<Discovery & { fromCache: boolean }> {
  const dir = opts.cacheDir ? discoveryCacheDir(opts.cacheDir, opts.client.config.address) : undefined;
  if (dir && !opts.fresh) {
    const cached = readCache(dir, opts.now());
    if (cached) return { ...cached, fromCache: true };
  }
  const fetched = await fetchDiscovery(opts.client);
  if (dir) {
    writeCache(dir, fetched);
    clearKubectlCache(dir);
  }
  return { ...fetched, fromCache: false };
}

/** Whether discovery for this server is cached and younger than 6 h (kubectl would not ask the server for it). */
export function discoveryCached(cacheDir: string, address: ServerAddress, now: Date): boolean {
  const dir = discoveryCacheDir(cacheDir, address);
  const newest = Math.max(mtimeMs(join(dir, CACHE_FILE)) ?? -Infinity, kubectlCacheTime(dir) ?? -Infinity);
  return now.getTime() - newest <= DISCOVERY_TTL_MS;
}

function readCache(dir: string, now: Date): Discovery | undefined {
  const file = join(dir, CACHE_FILE);
  const ours = mtimeMs(file) ?? -Infinity;
  const kubectls = kubectlCacheTime(dir);
  // utimes keeps a little less than the microsecond a stat shows: a millisecond either way is the same write.
  if (kubectls !== undefined && kubectls - ours > 1) {
    const theirs = readKubectlCache(dir, now, DISCOVERY_TTL_MS);
    // Kept as ours with kubectl's time: it is as old as kubectl's fetch, for the 6 h and for the next comparison.
    if (theirs) writeCache(dir, theirs, kubectls);
    return theirs;
  }
  if (now.getTime() - ours > DISCOVERY_TTL_MS) return undefined;
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { format?: number; resources?: ApiResource[] };
    return doc.format === CACHE_FORMAT && Array.isArray(doc.resources) ? { resources: doc.resources } : undefined;
  } catch {
    return undefined;
  }
}

/** Writes atomically (temp file, then rename) so a concurrent reader never sees half a file; a failure only costs speed. */
function writeCache(dir: string, d: Discovery, atMs?: number): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o750 });
    const tmp = join(dir, `.${CACHE_FILE}.${Date.now().toString(36)}${Math.random().toString(36).slice(2)}.tmp`);
    writeFileSync(tmp, JSON.stringify({ format: CACHE_FORMAT, resources: d.resources }), { mode: 0o640 });
    if (atMs !== undefined) utimesSync(tmp, atMs / 1000, atMs / 1000);
    renameSync(tmp, join(dir, CACHE_FILE));
  } catch {
    // kubectl, too, carries on without its cache when it cannot write it.
  }
}

/** GET /api and /apis, aggregated when the server can, else the legacy per-group-version walk. */
export async function fetchDiscovery(client: KubeClient): Promise<Discovery> {
  // One after the other, as client-go's discovery asks (its -v lines come in that order); one
  // connection carries them in turn anyway. client-go reads discovery with Result.Raw(): an error
  // answer is worded by its code alone, and a body that is not JSON by json.Unmarshal's syntax error alone.
  const raw = (path: string) => client.json<Record<string, unknown>>({ path, query: { timeout: '32s' }, accept: AGGREGATED_ACCEPT, rawErrors: true });
  const both = async () => [await raw('/api'), await raw('/apis')] as const;
  const [core, groups] = await both().catch((err: unknown) => Promise.reject(JsonSyntaxError.reworded(err)));
  const resources: ApiResource[] = [];
  for (const doc of [core, groups]) {
    if (doc['kind'] === 'APIGroupDiscoveryList') resources.push(...fromAggregated(doc));
    else resources.push(...(await fromLegacy(client, doc)));
  }
  return { resources };
}

interface AggregatedResource {
  resource: string;
  responseKind?: { kind?: string };
  scope?: string;
  singularResource?: string;
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
}

function fromAggregated(doc: Record<string, unknown>): ApiResource[] {
  const out: ApiResource[] = [];
  const items = (doc['items'] ?? []) as { metadata?: { name?: string }; versions?: { version: string; resources?: AggregatedResource[] }[] }[];
  for (const group of items) {
    const name = group.metadata?.name ?? '';
    // The server lists a group's versions in preference order; the first is preferred.
    (group.versions ?? []).forEach((v, i) => {
      for (const r of v.resources ?? []) {
        out.push({
          group: name,
          version: v.version,
          resource: r.resource,
          singular: r.singularResource || '',
          kind: r.responseKind?.kind ?? '',
          namespaced: r.scope === 'Namespaced',
          shortNames: r.shortNames ?? [],
          categories: r.categories ?? [],
          verbs: r.verbs ?? [],
          preferred: i === 0,
        });
      }
    });
  }
  return out;
}

async function fromLegacy(client: KubeClient, doc: Record<string, unknown>): Promise<ApiResource[]> {
  const versions = legacyVersions(doc);
  const lists = await Promise.all(
    versions.map((gv) =>
      client.json<LegacyResourceList>({ path: gv.group ? `/apis/${gv.group}/${gv.version}` : `/api/${gv.version}`, query: { timeout: '32s' }, rawErrors: true }),
    ),
  );
  return legacyResources(versions, lists);
}
