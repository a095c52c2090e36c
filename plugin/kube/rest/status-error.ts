import { ApiError } from '../../errors.ts';
import { goJsonMarshalIndent } from '../printers/go-json.ts';
import { goStruct } from '../printers/go-struct.ts';

/** What a request was about, for client-go's "(get pods x)" suffix. */
export interface ErrorContext {
  method?: string;
  /** group-qualified resource, e.g. "pods" or "deployments.apps". */
  resource?: string;
  name?: string;
  /**
   * The answer is read as client-go's Result.Raw() reads it (discovery, /version):
   * a Status body is not decoded, so the error is NewGenericServerResponse's for the code.
   */
  raw?: boolean;
}

/** client-go keeps at most this much of a non-Status error body. */
const MAX_UNSTRUCTURED_BYTES = 2048;

/**
 * The error for a non-2xx answer: a metav1.Status as the server sent it, or
 * else client-go's errors.NewGenericServerResponse wording for that code.
 */
export function apiErrorFrom(status: number, body: string, contentType: string, about: ErrorContext): ApiError {
  const decoded = about.raw ? undefined : decodeStatus(body);
  if (decoded) {
    return new ApiError(decoded.code || status, decoded.reason ?? '', decoded.message ?? '', decoded);
  }
  // client-go isTextResponse: no Content-Type, or any text/* one (a gateway's text/html error page included).
  const isText = contentType.trim() === '' || /^\s*text\//i.test(contentType);
  const serverMessage = isText ? body.slice(0, MAX_UNSTRUCTURED_BYTES).trim() : 'unknown';
  const { reason, message } = genericResponse(status, about.method ?? 'GET', serverMessage);
  const verb = (about.method ?? 'GET').toLowerCase();
  let full = message;
  if (about.resource && about.name) full = `${message} (${verb} ${about.resource} ${about.name})`;
  else if (about.resource) full = `${message} (${verb} ${about.resource})`;
  return new ApiError(status, reason, full, body);
}

interface StatusBody {
  kind: 'Status';
  code?: number;
  reason?: string;
  message?: string;
}

function decodeStatus(body: string): StatusBody | undefined {
  if (!body.trimStart().startsWith('{')) return undefined;
  try {
    const obj = JSON.parse(body) as { kind?: string };
    return obj.kind === 'Status' ? (obj as StatusBody) : undefined;
  } catch {
    return undefined;
  }
}

/** apimachinery errors.NewGenericServerResponse: reason and message per HTTP code. */
function genericResponse(code: number, method: string, serverMessage: string): { reason: string; message: string } {
  switch (code) {
    case 409:
      return { reason: method === 'POST' ? 'AlreadyExists' : 'Conflict', message: 'the server reported a conflict' };
    case 404:
      return { reason: 'NotFound', message: 'the server could not find the requested resource' };
    case 400:
      return { reason: 'BadRequest', message: 'the server rejected our request for an unknown reason' };
    case 401:
      return { reason: 'Unauthorized', message: 'the server has asked for the client to provide credentials' };
    case 403:
      return { reason: 'Forbidden', message: serverMessage };
    case 406:
      return {
        reason: 'NotAcceptable',
        message: serverMessage === '' || serverMessage === 'unknown' ? 'the server was unable to respond with a content type that the client supports' : serverMessage,
      };
    case 415:
      return { reason: 'UnsupportedMediaType', message: serverMessage };
    case 405:
      return { reason: 'MethodNotAllowed', message: 'the server does not allow this method on the requested resource' };
    case 422:
      return { reason: 'Invalid', message: 'the server rejected our request due to an error in our request' };
    case 503:
      return { reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request' };
    case 504:
      return { reason: 'Timeout', message: 'the server was unable to return a response in the time allotted, but may still be processing the request' };
    case 429:
      return { reason: 'TooManyRequests', message: 'the server has received too many requests and has asked us to try again later' };
    default:
      if (code >= 500) {
        return { reason: 'InternalError', message: `an error on the server (${JSON.stringify(serverMessage)}) has prevented the request from succeeding` };
      }
      return { reason: '', message: `the server responded with the status code ${code} but did not return more information` };
  }
}

/**
 * kubectl's StandardErrorMessage logs a StatusError's DebugError() at -v=4 before
 * printing it: `klog.V(4).Info("server response object: %s", []interface{}{json})`,
 * Info's Sprint leaving the %s as it is. The Status is re-encoded as Go marshals
 * metav1.Status (its fields in struct order, two-space indent). Only a Status the
 * server sent: client-go's own generic errors are left out.
 */
export function statusDebugLine(err: unknown): string | undefined {
  if (!(err instanceof ApiError)) return undefined;
  const s = err.body as Record<string, unknown> | undefined;
  if (typeof s !== 'object' || s === null || s['kind'] !== 'Status') return undefined;
  return `server response object: %s[${goJsonMarshalIndent(statusStruct(s), '  ')}]`;
}

/** metav1.Status with Go's field order and omitempty (ListMeta is always there, as "metadata"). */
function statusStruct(s: Record<string, unknown>): Record<string, unknown> {
  const pick = (from: Record<string, unknown>, keys: string[]) => {
    const out: Record<string, unknown> = {};
    for (const k of keys) if (from[k] !== undefined && from[k] !== '' && from[k] !== 0 && from[k] !== null) out[k] = from[k];
    return out;
  };
  const meta = pick((s['metadata'] ?? {}) as Record<string, unknown>, ['selfLink', 'resourceVersion', 'continue', 'remainingItemCount']);
  const out: Record<string, unknown> = { ...pick(s, ['kind', 'apiVersion']), metadata: goStruct(meta), ...pick(s, ['status', 'message', 'reason']) };
  const d = s['details'] as Record<string, unknown> | undefined;
  if (d && typeof d === 'object') {
    const details = pick(d, ['name', 'group', 'kind', 'uid']);
    const causes = Array.isArray(d['causes']) ? (d['causes'] as Record<string, unknown>[]).map((c) => goStruct(pick(c, ['reason', 'message', 'field']))) : [];
    if (causes.length > 0) details['causes'] = causes;
    if (d['retryAfterSeconds']) details['retryAfterSeconds'] = d['retryAfterSeconds'];
    out['details'] = goStruct(details);
  }
  if (s['code']) out['code'] = s['code'];
  return goStruct(out);
}
