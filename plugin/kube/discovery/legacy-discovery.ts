import type { ApiResource } from './discovery.ts';

/** One group version of an APIVersions or APIGroupList document. */
export interface LegacyGroupVersion {
  group: string;
  version: string;
  preferred: boolean;
}

interface LegacyResource {
  name: string;
  singularName?: string;
  namespaced?: boolean;
  kind: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
}

/** An APIResourceList: what /apis/GROUP/VERSION answers, and what kubectl caches as serverresources.json. */
export interface LegacyResourceList {
  resources?: LegacyResource[];
}

/** The group versions of /api (APIVersions) or /apis (APIGroupList; kubectl's servergroups.json, the core group first). */
export function legacyVersions(doc: Record<string, unknown>): LegacyGroupVersion[] {
  const versions: LegacyGroupVersion[] = [];
  if (doc['kind'] === 'APIVersions') {
    for (const v of (doc['versions'] ?? []) as string[]) versions.push({ group: '', version: v, preferred: versions.length === 0 });
    return versions;
  }
  const groups = (doc['groups'] ?? []) as { name: string; versions?: { version: string }[]; preferredVersion?: { version: string } }[];
  for (const g of groups) {
    const preferred = g.preferredVersion?.version ?? g.versions?.[0]?.version;
    for (const v of g.versions ?? []) versions.push({ group: g.name, version: v.version, preferred: v.version === preferred });
  }
  return versions;
}

/** The resources of each group version's list (subresources such as pods/log left out). */
export function legacyResources(versions: readonly LegacyGroupVersion[], lists: readonly LegacyResourceList[]): ApiResource[] {
  return lists.flatMap((list, i) => {
    const gv = versions[i] as LegacyGroupVersion;
    return (list.resources ?? [])
      .filter((r) => !r.name.includes('/'))
      .map((r) => ({
        group: gv.group,
        version: gv.version,
        resource: r.name,
        singular: r.singularName || '',
        kind: r.kind,
        namespaced: Boolean(r.namespaced),
        shortNames: r.shortNames ?? [],
        categories: r.categories ?? [],
        verbs: r.verbs ?? [],
        preferred: gv.preferred,
      }));
  });
}
