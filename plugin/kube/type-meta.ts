/**
 * apimachinery's meta.go Interpret, as client-go's decoders run it on a
 * document before anything else: the apiVersion and kind, with
 * encoding/json's words when the document or those fields have the wrong
 * JSON type (exec credentials, watch events).
 */

/** The type Interpret decodes into, as Go prints it. */
const FIND_KIND = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

/** The Go kind encoding/json names in "cannot unmarshal X into …". */
export function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  if (v === null || typeof v === 'object') return 'object';
  return typeof v;
}

/** apiVersion and kind of a decoded JSON document ('' when absent or null); throws Go's message otherwise. */
export function interpretTypeMeta(doc: unknown): { apiVersion: string; kind: string } {
  if (doc === null) return { apiVersion: '', kind: '' };
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new Error(`couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKind(doc)} into Go value of type ${FIND_KIND}`);
  }
  const d = doc as Record<string, unknown>;
  for (const field of ['apiVersion', 'kind']) {
    const v = d[field];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      throw new Error(`couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKind(v)} into Go struct field .${field} of type string`);
    }
  }
  return { apiVersion: (d['apiVersion'] as string | undefined) ?? '', kind: (d['kind'] as string | undefined) ?? '' };
}

/** schema.ParseGroupVersion; an unparseable one (two slashes) is none. */
export function parseGroupVersion(apiVersion: string): { group: string; version: string } {
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: apiVersion };
  if (parts.length === 2) return { group: parts[0] as string, version: parts[1] as string };
  return { group: '', version: '' };
}
