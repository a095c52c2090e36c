// The files in one relay's folder (<state root>/<relay name>/, 0700), apart from
// relay-files.ts: a warm passthrough needs only the control socket's name, and
// relay-files.ts loads node:crypto (several ms of start-up) for what it writes.
export const CONTROL_SOCKET = 'control.sock';
export const INFO_FILE = 'relay.json';
export const LOG_FILE = 'relay.log';
/** The last port the relay listened on; kept after it ends, so the next one may take the same. */
export const PORT_FILE = 'port';
export const START_LOCK = 'start.lock';
