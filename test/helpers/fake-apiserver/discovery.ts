// Discovery documents built from the resource table: the legacy ones (/api, /apis,
// /api/v1, /apis/G, /apis/G/V) and aggregated discovery (apidiscovery.k8s.io/v2),
// with fields in the order the Go structs give them.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { negotiate } from './negotiate.ts';
import { RESOURCES, apiGroups, groupVersionOf, type ResourceDef, type SubresourceDef } from './resources.ts';
import { sendJson, apiHeaders } from './status.ts';

function gv(group: string, version: string): { groupVersion: string; version: string } {
  return { groupVersion: groupVersionOf({ group, version }), version };
}

function apiResource(def: ResourceDef): object {
  return {
    name: def.name,
    singularName: def.singularName,
    namespaced: def.namespaced,
    kind: def.kind,
    verbs: def.verbs,
    ...(def.shortNames ? { shortNames: def.shortNames } : {}),
    ...(def.categories ? { categories: def.categories } : {}),
    ...(def.storageVersionHash ? { storageVersionHash: def.storageVersionHash } : {}),
  };
}

function apiSubresource(def: ResourceDef, sub: SubresourceDef): object {
  return {
    name: `${def.name}/${sub.name}`,
    singularName: '',
    namespaced: def.namespaced,
    ...(sub.group !== undefined ? { group: sub.group, version: sub.version } : {}),
    kind: sub.kind,
    verbs: sub.verbs,
  };
}

export function resourceList(group: string, version: string): object {
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version).flatMap((r) => [
    apiResource(r),
    ...(r.subresources ?? []).map((s) => apiSubresource(r, s)),
  ]);
  // The core list carries no apiVersion; group lists do (see api/discovery/*.json).
  const head = group === '' ? { kind: 'APIResourceList' } : { kind: 'APIResourceList', apiVersion: 'v1' };
  return { ...head, groupVersion: groupVersionOf({ group, version }), resources };
}

export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(name: string, versions: string[]): object {
  const first = versions[0] ?? 'v1';
  return { name, versions: versions.map((v) => gv(name, v)), preferredVersion: gv(name, first) };
}

export function apiGroupList(): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups().map((g) => apiGroup(g.name, g.versions)) };
}

export function apiGroupDoc(name: string): object | undefined {
  const g = apiGroups().find((x) => x.name === name);
  return g && { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g.name, g.versions) };
}

function responseKind(group: string | undefined, version: string | undefined, kind: string): object {
  return { group: group ?? '', version: version ?? '', kind };
}

function discoveryResource(def: ResourceDef): object {
  const subs = (def.subresources ?? []).map((s) => ({
    subresource: s.name,
    responseKind: responseKind(s.group, s.version, s.kind),
    verbs: s.verbs,
  }));
  return {
    resource: def.name,
    responseKind: responseKind('', '', def.kind),
    scope: def.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: def.singularName,
    verbs: def.verbs,
    ...(def.shortNames ? { shortNames: def.shortNames } : {}),
    ...(def.categories ? { categories: def.categories } : {}),
    ...(subs.length > 0 ? { subresources: subs } : {}),
  };
}

function discoveryGroup(group: string, versions: string[]): object {
  return {
    // 1.32 still serializes the zero creationTimestamp as null.
    metadata: group === '' ? { creationTimestamp: null } : { name: group, creationTimestamp: null },
    versions: versions.map((version) => ({
      version,
      resources: RESOURCES.filter((r) => r.group === group && r.version === version).map(discoveryResource),
      freshness: 'Current',
    })),
  };
}

function aggregatedItems(legacyCore: boolean): object[] {
  return legacyCore ? [discoveryGroup('', ['v1'])] : apiGroups().map((g) => discoveryGroup(g.name, g.versions));
}

/** Serves /api or /apis: aggregated when the Accept header asks for it, legacy otherwise. */
export function serveRoot(req: IncomingMessage, res: ServerResponse, legacyCore: boolean, serverAddress: string): void {
  const out = negotiate(req.headers.accept, { discovery: true });
  if (out.as !== 'discovery') {
    sendJson(res, 200, legacyCore ? apiVersions(serverAddress) : apiGroupList());
    return;
  }
  const items = aggregatedItems(legacyCore);
  const etag = `"${createHash('sha512').update(JSON.stringify(items)).digest('hex').toUpperCase()}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Vary', 'Accept');
  res.setHeader('Cache-Control', 'public');
  if (req.headers['if-none-match'] === etag) {
    // No Content-Type: a 304's headers replace the cached ones in kubectl's HTTP cache.
    res.statusCode = 304;
    res.end();
    return;
  }
  const contentType = `application/json;g=apidiscovery.k8s.io;v=${out.version};as=APIGroupDiscoveryList`;
  const body = { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${out.version}`, metadata: {}, items };
  apiHeaders(res, contentType);
  res.setHeader('Cache-Control', 'public');
  res.statusCode = 200;
  res.end(JSON.stringify(body) + '\n');
}
