// Deeply nested objects against kubectl as the oracle: any nesting kubectl
// prints, kubectl sock prints the same bytes; where Go's JSON decoder stops
// (10,000 levels, the outermost object counted, or 9,998 inside the List
// kubectl builds for several results) it fails with kubectl's message, exit
// code and, in the table path, kubectl's bare line. A real API server cannot
// be made to serve such objects, so the fake serves them as raw JSON text.
// Depths are sampled from 1 to 20,000 (make fuzz samples many more).
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.ts';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { kubectl, sock, type RunResult } from '../helpers/processes.ts';
import { runs, tried } from '../helpers/properties.ts';

type Shape = 'map' | 'slice' | 'mixed';
type Kind = 'named' | 'list' | 'two-named' | 'second-page';
type Format = 'json' | 'yaml' | 'name' | 'table';

let api: FakeApiServer;
let dir: string;
let next = 0;

test.before(async () => {
  dir = tempDir('ksock-deep-');
  api = await startFakeApiServer({ unixSocket: join(dir, 'api.sock'), tcp: true });
});

test.after(async () => {
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** JSON text of a ConfigMap `depth` levels deep in all (the object itself is level 1). */
function configMap(namespace: string, name: string, depth: number, shape: Shape): string {
  const levels = depth - 1;
  let inner = '"x"';
  if (shape === 'map') inner = `${'{"a":'.repeat(levels)}"x"${'}'.repeat(levels)}`;
  if (shape === 'slice') inner = `${'['.repeat(levels)}1${']'.repeat(levels)}`;
  if (shape === 'mixed') {
    for (let i = 0; i < levels; i++) inner = i % 2 ? `{"a":${inner}}` : `[${inner}]`;
  }
  return `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}","namespace":"${namespace}","creationTimestamp":"2026-01-01T00:00:00Z"},"data":${inner}}`;
}

function list(items: string[], more: boolean): string {
  return `{"apiVersion":"v1","kind":"ConfigMapList","metadata":{"resourceVersion":"9"${more ? ',"continue":"next"' : ''}},"items":[${items.join(',')}]}`;
}

/** Serves, in a namespace of its own: `deep`, `flat`, and their list (flat first; with `paged`, deep on a second page). */
function serve(depth: number, shape: Shape, paged: boolean): string {
  const ns = `deep-${next++}`;
  const deep = configMap(ns, 'deep', depth, shape);
  const flat = configMap(ns, 'flat', 1, 'map');
  const answer = (body: string, match: (url: string) => boolean) =>
    api.faults.push({ kind: 'status', code: 200, body, contentType: 'application/json', times: 1e9, match: (r) => match(r.url) });
  const base = `/api/v1/namespaces/${ns}/configmaps`;
  answer(deep, (u) => u === `${base}/deep` || u.startsWith(`${base}/deep?`));
  answer(flat, (u) => u === `${base}/flat` || u.startsWith(`${base}/flat?`));
  if (paged) {
    answer(list([flat], true), (u) => u.startsWith(`${base}?`) && !u.includes('continue='));
    answer(list([deep], false), (u) => u.startsWith(`${base}?`) && u.includes('continue=next'));
  } else answer(list([flat, deep], false), (u) => u.startsWith(`${base}?`));
  return ns;
}

function argsFor(ns: string, kind: Kind, format: Format): string[] {
  const what = kind === 'named' ? ['configmap', 'deep'] : kind === 'two-named' ? ['configmap', 'deep', 'flat'] : ['configmaps'];
  return ['get', ...what, '-n', ns, ...(format === 'table' ? [] : ['-o', format])];
}

const digest = (r: RunResult) => ({ stdout: createHash('sha256').update(r.stdout).digest('hex'), bytes: r.stdout.length, stderr: r.stderr, code: r.code });

async function assertSame(depth: number, shape: Shape, kind: Kind, format: Format): Promise<void> {
  tried('deep objects (kubectl oracle)');
  const ns = serve(depth, shape, kind === 'second-page');
  const args = argsFor(ns, kind, format);
  const opts = { env: { HOME: dir }, timeoutMs: 120_000 };
  const [ours, theirs] = await Promise.all([
    sock(['--server', api.unixUrl as string, ...args], opts),
    kubectl(['--server', api.httpUrl as string, ...args], opts),
  ]);
  assert.equal(digest(ours), digest(theirs), `depth ${depth} ${shape}: ${args.join(' ')}`);
}

/**
 * Whether kubectl prints the object (not an error) this way. Its indented
 * JSON, and YAML of nested mappings, grow with the square of the depth
 * (400 MB of JSON at 10,000 levels): such prints are left to small depths.
 */
function affordable(depth: number, shape: Shape, kind: Kind, format: Format): boolean {
  const limit = kind === 'named' || (kind === 'two-named' && format === 'table') ? 10_000 : 9_998;
  const prints = depth <= limit;
  if (!prints) return true;
  if (format === 'json') return depth <= 2_500;
  if (format === 'yaml' && shape !== 'slice') return depth <= 2_500;
  return true;
}

const BOUNDARY = [1, 2, 9_997, 9_998, 9_999, 10_000, 10_001, 10_002, 20_000];

test('deep objects :: the same bytes, message and exit code as kubectl at depths from 1 to 20,000', async () => {
  const depth = fc.oneof(fc.constantFrom(...BOUNDARY), fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 3_000 }));
  const shape = fc.constantFrom<Shape>('map', 'slice', 'mixed');
  const kind = fc.constantFrom<Kind>('named', 'list', 'two-named', 'second-page');
  const format = fc.constantFrom<Format>('json', 'yaml', 'name', 'table');
  const cases = fc.tuple(depth, shape, kind, format).filter(([d, s, k, f]) => affordable(d, s, k, f));
  await fc.assert(fc.asyncProperty(cases, ([d, s, k, f]) => assertSame(d, s, k, f)), runs(12, 300));
});

test('deep objects :: each limit, on both sides of it', async () => {
  const cases: [number, Shape, Kind, Format][] = [
    [10_000, 'slice', 'named', 'yaml'], [10_001, 'slice', 'named', 'yaml'],
    [10_000, 'mixed', 'named', 'table'], [10_001, 'map', 'named', 'table'],
    [9_998, 'map', 'list', 'name'], [9_999, 'map', 'list', 'name'], [9_999, 'slice', 'list', 'table'],
    [9_998, 'slice', 'two-named', 'name'], [9_999, 'map', 'two-named', 'json'], [10_000, 'map', 'two-named', 'table'],
    [9_999, 'map', 'second-page', 'json'], [9_999, 'slice', 'second-page', 'table'],
  ];
  for (const [d, s, k, f] of cases) await assertSame(d, s, k, f);
});

test.run();
