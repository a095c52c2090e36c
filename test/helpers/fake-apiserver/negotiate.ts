// Accept-header negotiation: kubectl asks for Tables and aggregated discovery by
// listing `application/json;as=...;v=...;g=...` clauses in preference order.

export type Output =
  | { as: 'json' }
  | { as: 'table'; version: 'v1' | 'v1beta1' }
  | { as: 'discovery'; version: 'v2' | 'v2beta1' };

interface Clause {
  type: string;
  params: Record<string, string>;
}

function parseAccept(accept: string): Clause[] {
  return accept.split(',').map((raw) => {
    const [type = '', ...rest] = raw.split(';').map((p) => p.trim());
    const params: Record<string, string> = {};
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).toLowerCase()] = p.slice(eq + 1);
    }
    return { type: type.toLowerCase(), params };
  });
}

function clauseOutput(c: Clause, allow: { table?: boolean; discovery?: boolean }): Output | undefined {
  if (c.type !== 'application/json' && c.type !== '*/*' && c.type !== 'application/*') return undefined;
  const { as, v, g } = c.params;
  if (as === undefined) return { as: 'json' };
  if (as === 'Table' && g === 'meta.k8s.io' && allow.table && (v === 'v1' || v === 'v1beta1')) {
    return { as: 'table', version: v };
  }
  if (as === 'APIGroupDiscoveryList' && g === 'apidiscovery.k8s.io' && allow.discovery && (v === 'v2' || v === 'v2beta1')) {
    return { as: 'discovery', version: v };
  }
  return undefined;
}

/** Picks the first clause the endpoint can serve; plain JSON when none fits. */
export function negotiate(accept: string | undefined, allow: { table?: boolean; discovery?: boolean }): Output {
  for (const clause of parseAccept(accept ?? '')) {
    const out = clauseOutput(clause, allow);
    if (out) return out;
  }
  return { as: 'json' };
}
