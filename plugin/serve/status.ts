import { formatFileMode } from '../cli/file-mode.ts';
import { servedBy } from './audit.ts';
import type { SocketStatus } from './control-api.ts';
import type { ServedSocket } from './served-socket.ts';

/** How `kubectl sock grants` shows a served socket. */
export function socketStatus(s: ServedSocket): SocketStatus {
  const { spec, origin } = s.want;
  const deadline = s.deadline;
  return {
    path: spec.path,
    owner: spec.owner,
    ...(spec.group !== undefined && { group: spec.group }),
    mode: formatFileMode(spec.mode),
    identity: servedBy(spec).identity,
    readOnly: spec.readOnly,
    ...(deadline !== undefined && { expiresAt: new Date(deadline).toISOString() }),
    connections: s.connections,
    source: origin.kind,
    definedIn: origin.line > 0 ? `${origin.file}:${origin.line}` : origin.file,
  };
}
