import type { Ctx } from '../context.ts';

/** The user's environment with `set` replacing those variables, and nothing else changed. */
export function environWith(env: Ctx['env'], set: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return Object.assign(out, set);
}
