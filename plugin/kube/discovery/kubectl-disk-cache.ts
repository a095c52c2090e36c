import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Discovery } from './discovery.ts';
import { legacyResources, legacyVersions, type LegacyGroupVersion, type LegacyResourceList } from './legacy-discovery.ts';

/**
 * kubectl's own discovery cache (client-go discovery/cached/disk), kept in
 * the same folder as kubectl-sock's: servergroups.json (an APIGroupList,
 * the core group first) and GROUPVERSION/serverresources.json for each
 * group version, each trusted for 6 h from its mtime. kubectl-sock reads it
 * and clears it so that the two act as kubectl's one cache does: what one
 * fetched, the other uses; what one found stale, neither uses again.
 */
export const GROUPS_FILE = 'servergroups.json';
const RESOURCES_FILE = 'serverresources.json';

/** When kubectl last wrote its cache here (ms since the epoch), or undefined when it has none. One stat. */
export function kubectlCacheTime(dir: string): number | undefined {
  return mtimeMs(join(dir, GROUPS_FILE));
}

/** A file's mtime, or undefined when it cannot be read (no exception built for the common ENOENT). */
export function mtimeMs(path: string): number | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false })?.mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * kubectl's cached discovery, when every file it needs is there and younger
 * than `ttlMs` (getCachedFile's rule), else undefined: a file missing (kubectl
 * still writing, or a group version it could not fetch) means fetching.
 */
export function readKubectlCache(dir: string, now: Date, ttlMs: number): Discovery | undefined {
  const read = (file: string): Record<string, unknown> | undefined => {
    try {
      if (now.getTime() - statSync(file).mtimeMs > ttlMs) return undefined;
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  const groups = read(join(dir, GROUPS_FILE));
  if (groups?.['kind'] !== 'APIGroupList') return undefined;
  try {
    const versions = legacyVersions(groups);
    const lists: LegacyResourceList[] = [];
    for (const gv of versions) {
      const list = read(join(dir, groupVersionPath(gv), RESOURCES_FILE));
      if (list?.['kind'] !== 'APIResourceList') return undefined;
      lists.push(list as LegacyResourceList);
    }
    return versions.length > 0 ? { resources: legacyResources(versions, lists) } : undefined;
  } catch {
    // JSON of another shape (groups not a list, …): kubectl's decoder refuses it and kubectl fetches.
    return undefined;
  }
}

/**
 * Removes kubectl's cache files here, as kubectl's Invalidate() stops it
 * trusting files it did not write: after kubectl-sock fetched discovery, the
 * next kubectl fetches too instead of reading what may be stale. Only the
 * files kubectl's servergroups.json names: the folder may hold other
 * servers' folders (kubectl keys a server with a path as HOST/PATH).
 */
export function clearKubectlCache(dir: string): void {
  const groupsFile = join(dir, GROUPS_FILE);
  let versions: LegacyGroupVersion[] = [];
  try {
    versions = legacyVersions(JSON.parse(readFileSync(groupsFile, 'utf8')) as Record<string, unknown>);
  } catch {
    // No file, or not one kubectl wrote whole: only it goes.
  }
  try {
    rmSync(groupsFile, { force: true });
    for (const gv of versions) rmSync(join(dir, groupVersionPath(gv), RESOURCES_FILE), { force: true });
  } catch {
    // As with writing the cache: failing to clear it costs only kubectl's next read being stale for 6 h at most.
  }
}

/** kubectl's file name for a group version: "v1" for the core group, else "GROUP/VERSION". */
function groupVersionPath(gv: LegacyGroupVersion): string {
  return gv.group ? join(gv.group, gv.version) : gv.version;
}
