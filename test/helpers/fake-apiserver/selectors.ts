// Label and field selectors, parsed as apimachinery's labels.Parse and
// fields.ParseSelector accept them (the common subset kubectl sends).
import type { ResourceDef } from './resources.ts';
import { StatusError, badRequest } from './status.ts';
import type { K8sObject } from './types.ts';

export type Matcher = (obj: K8sObject) => boolean;

type LabelTest = (labels: Record<string, string>) => boolean;

/** Splits on commas that are not inside `( )`, as `a in (x,y),b` needs. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (s[i] === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function labelRequirement(req: string): LabelTest {
  let m = /^!\s*([^\s=!<>(),]+)$/.exec(req);
  if (m) {
    const key = m[1] as string;
    return (l) => !(key in l);
  }
  m = /^([^\s=!<>(),]+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(req);
  if (m) {
    const [, key = '', op, list = ''] = m;
    const values = new Set(list.split(',').map((v) => v.trim()));
    return op === 'in' ? (l) => key in l && values.has(l[key] ?? '') : (l) => !(key in l) || !values.has(l[key] ?? '');
  }
  m = /^([^\s=!<>(),]+)\s*(==|=|!=|<|>)\s*([^\s=!<>(),]*)$/.exec(req);
  if (m) {
    const [, key = '', op, value = ''] = m;
    if (op === '!=') return (l) => l[key] !== value;
    if (op === '<' || op === '>') {
      const bound = Number(value);
      return (l) => key in l && (op === '<' ? Number(l[key]) < bound : Number(l[key]) > bound);
    }
    return (l) => l[key] === value;
  }
  m = /^([^\s=!<>(),]+)$/.exec(req);
  if (m) {
    const key = m[1] as string;
    return (l) => key in l;
  }
  throw new StatusError(badRequest(`unable to parse requirement: found '${req}', expected: identifier`));
}

export function parseLabelSelector(selector: string | null): Matcher {
  if (!selector) return () => true;
  const tests = splitTopLevel(selector).map(labelRequirement);
  return (obj) => tests.every((t) => t(obj.metadata.labels ?? {}));
}

/** Reads a dotted field path as the field-label conversion funcs render it. */
function fieldValue(obj: K8sObject, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
  }
  if (path === 'status.podIPs' && Array.isArray(cur)) return cur.map((p: { ip?: string }) => p.ip ?? '').join(',');
  if (cur === undefined || cur === null) {
    return path === 'spec.hostNetwork' || path === 'spec.unschedulable' ? 'false' : '';
  }
  return String(cur);
}

/** Un-escapes `\,` `\=` `\\` in field selector values. */
function unescapeField(v: string): string {
  return v.replace(/\\(.)/g, '$1');
}

export function parseFieldSelector(selector: string | null, def: ResourceDef): Matcher {
  if (!selector) return () => true;
  const supported = new Set(['metadata.name', 'metadata.namespace', ...(def.fieldLabels ?? [])]);
  const tests = selector.split(/(?<!\\),/).filter((p) => p.trim() !== '').map((req): Matcher => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)(.*)$/.exec(req);
    if (!m) throw new StatusError(badRequest(`invalid selector: '${selector}'; can't understand '${req}'`));
    const [, field = '', op, raw = ''] = m;
    if (!supported.has(field)) throw new StatusError(badRequest(`field label not supported: ${field}`));
    const value = unescapeField(raw);
    return op === '!=' ? (o) => fieldValue(o, field) !== value : (o) => fieldValue(o, field) === value;
  });
  return (obj) => tests.every((t) => t(obj));
}
