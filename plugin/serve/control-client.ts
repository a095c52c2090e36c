import { request } from 'node:http';
import { SockError } from '../errors.ts';
import { errnoText } from '../relay/socket-folder.ts';

/** One call to a running `kubectl sock serve` over its control socket; its refusals become errors with its message. */
export function controlCall<T>(socketPath: string, method: string, path: string, body?: unknown): Promise<T> {
  return new Promise((ok, fail) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ socketPath, method, path, headers: { host: 'localhost', ...(payload && { 'content-type': 'application/json' }) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          return fail(new SockError('E_CONTROL', `${socketPath} answered ${res.statusCode} with something that is not kubectl sock serve's JSON`));
        }
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return ok(parsed as T);
        fail(new SockError('E_CONTROL', String((parsed as { message?: unknown }).message ?? `HTTP ${status}`)));
      });
      res.on('error', (err) => fail(reachError(socketPath, err)));
    });
    req.on('error', (err) => fail(reachError(socketPath, err)));
    req.end(payload);
  });
}

/** Why the control socket could not be reached, and what to do about it. */
function reachError(path: string, err: NodeJS.ErrnoException): SockError {
  const dial = `dial unix ${path}: connect: ${errnoText(err)}`;
  switch (err.code) {
    case 'ENOENT':
    case 'ECONNREFUSED':
      return new SockError('E_CONTROL', `no kubectl sock serve is listening on ${path}: ${dial} (is it running? pass --control-socket if it listens elsewhere)`);
    case 'EACCES':
    case 'EPERM':
      return new SockError('E_CONTROL', `cannot use the control socket: ${dial} (only the user kubectl sock serve runs as may grant, revoke and list)`);
    default:
      return new SockError('E_CONTROL', `cannot use the control socket: ${err.code ? dial : err.message}`);
  }
}
