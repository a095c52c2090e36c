/**
 * Decodes a watch response body as client-go's StreamWatcher does: JSON
 * values one after another (Go's json.Decoder framing), each a
 * metav1.WatchEvent. A value cut off by a dropped connection is dropped
 * too, so nothing half-received is ever printed; the caller resumes from
 * the last whole event. Anything that is not a watch event (a plain list
 * from a misbehaving proxy, an HTML page) ends the stream with the ERROR
 * event client-go reports for it ("unable to decode an event from the
 * watch stream: …"), which kubectl prints and then stops watching.
 */
import type { Readable } from 'node:stream';
import { JsonValueSplitter, type Frame } from '../go-json-syntax.ts';
import { goStruct } from '../printers/go-struct.ts';
import { goQuote } from '../printers/go-value.ts';
import { interpretTypeMeta, jsonKind, parseGroupVersion } from '../type-meta.ts';
import type { KubeObject } from './table-types.ts';

/** metav1.WatchEvent; `undecodable` marks client-go's own ERROR event for a body that is not a watch stream. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR' | string;
  object: KubeObject;
  undecodable?: boolean;
}

/** How the stream ended: the server closed it cleanly, or the connection broke. */
export type StreamEnd = 'closed' | 'broken';

const EVENT_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'ERROR', 'BOOKMARK']);

/** API groups client-go's kubernetes scheme registers: its watch decoder knows their kinds (meta.k8s.io's Table is not one). */
const BUILT_IN_GROUPS = new Set([
  '', 'apps', 'batch', 'autoscaling', 'policy', 'extensions', 'admissionregistration.k8s.io', 'internal.apiserver.k8s.io',
  'authentication.k8s.io', 'authorization.k8s.io', 'certificates.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io',
  'events.k8s.io', 'flowcontrol.apiserver.k8s.io', 'networking.k8s.io', 'node.k8s.io', 'rbac.authorization.k8s.io',
  'resource.k8s.io', 'scheduling.k8s.io', 'storage.k8s.io', 'storagemigration.k8s.io',
]);

/**
 * Yields each complete event; returns how the stream ended. Never throws for
 * transport failures: a broken connection is an ordinary end to resume from.
 */
export async function* readWatchEvents(body: Readable): AsyncGenerator<WatchEvent, StreamEnd> {
  const splitter = new JsonValueSplitter();
  try {
    for await (const chunk of body) {
      for (const frame of splitter.push(chunk as Buffer)) {
        const ev = toEvent(frame);
        yield ev;
        if (ev.undecodable) return 'closed';
      }
    }
  } catch {
    return 'broken';
  }
  for (const frame of splitter.end()) yield toEvent(frame);
  return 'closed';
}

/** versioned.Decoder.Decode: the frame as a WatchEvent, or client-go's error event for it. */
function toEvent(frame: Frame): WatchEvent {
  if ('error' in frame) return undecodable(frame.error);
  const doc = JSON.parse(frame.value.toString('utf8')) as unknown;
  let meta;
  try {
    meta = interpretTypeMeta(doc);
  } catch (err) {
    return undecodable((err as Error).message);
  }
  if (meta.kind !== '' && meta.kind !== 'WatchEvent') {
    // The serializer decodes a registered kind as itself, not into the WatchEvent asked for.
    if (meta.apiVersion !== '' && BUILT_IN_GROUPS.has(parseGroupVersion(meta.apiVersion).group)) return undecodable('unable to decode to metav1.WatchEvent');
    return undecodable(`no kind ${goQuote(meta.kind)} is registered for version ${goQuote(meta.apiVersion)} in scheme "k8s.io/client-go/kubernetes/scheme/register.go:84"`);
  }
  const ev = (doc ?? {}) as { type?: unknown; object?: unknown };
  if (ev.type !== undefined && ev.type !== null && typeof ev.type !== 'string') {
    return undecodable(`json: cannot unmarshal ${jsonKind(ev.type)} into Go struct field WatchEvent.type of type string`);
  }
  const type = (ev.type as string | undefined) ?? '';
  if (!EVENT_TYPES.has(type)) return undecodable(`got invalid watch event type: ${type}`);
  if (ev.object === undefined) return undecodable('unable to decode watch event: unexpected end of JSON input');
  if (ev.object === null || typeof ev.object !== 'object' || Array.isArray(ev.object)) {
    let why = '';
    try {
      interpretTypeMeta(ev.object);
    } catch (err) {
      why = (err as Error).message;
    }
    return undecodable(`unable to decode watch event: ${why || "Object 'Kind' is missing in 'null'"}`);
  }
  return { type, object: ev.object as KubeObject };
}

/**
 * client-go's StreamWatcher reports a frame it cannot decode as an ERROR
 * event (apierrors.NewClientErrorReporter(500, "GET", "ClientWatchDecoding"))
 * and stops; this is the Status it carries, in metav1.Status field order.
 */
export function undecodable(detail: string): WatchEvent {
  const message = `unable to decode an event from the watch stream: ${detail}`;
  const cause = (reason: string) => goStruct({ reason, message });
  const object: KubeObject = goStruct({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: goStruct({}),
    status: 'Failure',
    message: `an error on the server (${goQuote(message)}) has prevented the request from succeeding`,
    reason: 'InternalError',
    details: goStruct({ causes: [cause('UnexpectedServerResponse'), cause('ClientWatchDecoding')] }),
    code: 500,
  });
  return { type: 'ERROR', object, undecodable: true };
}
