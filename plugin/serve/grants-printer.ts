import { humanDuration } from '../kube/get/human-duration.ts';
import { TabWriter } from '../kube/get/tabwriter.ts';
import { goJsonMarshalIndent } from '../kube/printers/go-json.ts';
import { goYamlMarshal } from '../kube/printers/yaml.ts';
import { SERVE_API_VERSION } from './config.ts';
import type { SocketStatus } from './control-api.ts';

/** The output formats of `kubectl sock grants`. */
export const GRANTS_OUTPUTS = ['', 'json', 'yaml'] as const;

/**
 * `kubectl sock grants`: a kubectl-style table (tabwriter, <none>, time left
 * as kubectl prints an age), or the list as JSON or YAML in kubectl's
 * encoding, with absolute expiry times.
 */
export function formatSockets(list: readonly SocketStatus[], output: string, now: Date): string {
  if (output === 'json' || output === 'yaml') {
    const doc = { apiVersion: SERVE_API_VERSION, kind: 'SocketList', items: list };
    return output === 'json' ? `${goJsonMarshalIndent(doc)}\n` : goYamlMarshal(doc);
  }
  if (list.length === 0) return '';
  let text = '';
  const w = new TabWriter((t) => (text += t));
  w.writeCells(['PATH', 'OWNER', 'IDENTITY', 'GROUPS', 'READ-ONLY', 'EXPIRES', 'CONNECTIONS', 'SOURCE']);
  for (const s of list) {
    const left = s.expiresAt === undefined ? '<never>' : `in ${humanDuration(Math.max(0, Date.parse(s.expiresAt) - now.getTime()))}`;
    w.writeCells([s.path, s.owner, s.identity.username, s.identity.groups?.join(',') || '<none>', String(s.readOnly), left, String(s.connections), s.source]);
  }
  w.flush();
  return text;
}
