// metav1.Status bodies and the response writers, byte-for-byte as kube-apiserver
// writes them: compact JSON plus a newline, fields in Go struct order.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { qualifiedName, type ResourceDef } from './resources.ts';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: Array<{ reason?: string; message?: string; field?: string }>;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  status: Status;
  constructor(status: Status) {
    super(status.message);
    this.status = status;
  }
}

export function failure(code: number, reason: string, message: string, details?: StatusDetails): Status {
  // details sits between reason and code in Go's field order, and is omitted when nil.
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

export function notFound(def: ResourceDef, name: string): Status {
  const details: StatusDetails = def.group === '' ? { name, kind: def.name } : { name, group: def.group, kind: def.name };
  return failure(404, 'NotFound', `${qualifiedName(def)} "${name}" not found`, details);
}

/** go-restful's answer for a path under a served group version that has no route. */
export function pathNotFound(): Status {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function badRequest(message: string): Status {
  return failure(400, 'BadRequest', message);
}

export function unauthorized(): Status {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

export function methodNotAllowed(): Status {
  return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

/** A bug in the fake becomes a 500 like NewInternalError, not a crashed test run. */
export function internalError(err: unknown): Status {
  const message = err instanceof Error ? err.message : String(err);
  return failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

export function expired(message: string): Status {
  return failure(410, 'Expired', message);
}

export interface FieldError {
  /** FieldValueInvalid, FieldValueForbidden, ... */
  reason: string;
  field: string;
  /** The error body, e.g. `Invalid value: -1: must be greater than or equal to 0`. */
  message: string;
}

/** NewInvalid: `PodLogOptions "x" is invalid: tailLines: Invalid value: -1: must be ...`. */
export function invalid(kind: string, name: string, causes: FieldError[]): Status {
  const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const joined = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return failure(422, 'Invalid', `${kind} "${name}" is invalid: ${joined}`, {
    name,
    kind,
    causes: causes.map((c) => ({ reason: c.reason, message: c.message, ...(c.field ? { field: c.field } : {}) })),
  });
}

/** The generic status kube-apiserver builds for an HTTP code (NewGenericServerResponse). */
export function genericStatus(code: number, serverMessage = ''): Status {
  const known: Record<number, [string, string]> = {
    400: ['BadRequest', 'the server rejected our request for an unknown reason'],
    401: ['Unauthorized', 'the server has asked for the client to provide credentials'],
    403: ['Forbidden', serverMessage],
    404: ['NotFound', 'the server could not find the requested resource'],
    405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
    409: ['Conflict', 'the server reported a conflict'],
    429: ['TooManyRequests', 'the server has received too many requests and has asked us to try again later'],
    503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
    504: ['Timeout', 'the server was unable to return a response in the time allotted, but may still be processing the request'],
  };
  const hit = known[code];
  if (hit) return failure(code, hit[0], serverMessage && code !== 403 ? serverMessage : hit[1]);
  if (code >= 500) return failure(code, 'InternalError', `an error on the server (${JSON.stringify(serverMessage)}) has prevented the request from succeeding`);
  return failure(code, 'Unknown', serverMessage || `the server responded with the status code ${code} but did not return more information`);
}

// Headers every kube-apiserver response carries; the flow-control ones are fixed per process.
const FLOW_SCHEMA_UID = randomUUID();
const PRIORITY_LEVEL_UID = randomUUID();

export function apiHeaders(res: ServerResponse, contentType: string): void {
  res.setHeader('Audit-Id', randomUUID());
  res.setHeader('Cache-Control', 'no-cache, private');
  res.setHeader('Content-Type', contentType);
  res.setHeader('X-Kubernetes-Pf-Flowschema-Uid', FLOW_SCHEMA_UID);
  res.setHeader('X-Kubernetes-Pf-Prioritylevel-Uid', PRIORITY_LEVEL_UID);
}

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  apiHeaders(res, contentType);
  res.statusCode = code;
  res.end(JSON.stringify(body) + '\n');
}

export function sendStatus(res: ServerResponse, status: Status): void {
  sendJson(res, status.code, status);
}

/** Go's http.NotFound, which kube-apiserver uses for paths outside its API. */
export function sendPlainNotFound(res: ServerResponse): void {
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.statusCode = 404;
  res.end('404 page not found\n');
}
