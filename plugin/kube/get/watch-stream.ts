/**
 * Decodes a watch response body: one JSON watch event per line (the API
 * server's JSON framer). A line cut off by a dropped connection is dropped
 * too, so nothing half-received is ever printed; the caller resumes from
 * the last whole event.
 */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { KubeObject } from './table-types.ts';

/** metav1.WatchEvent. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR' | string;
  object: KubeObject;
}

/** How the stream ended: the server closed it cleanly, or the connection broke. */
export type StreamEnd = 'closed' | 'broken';

/**
 * Yields each complete event; returns how the stream ended. Never throws for
 * transport failures: a broken connection is an ordinary end to resume from.
 */
export async function* readWatchEvents(body: Readable): AsyncGenerator<WatchEvent, StreamEnd> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  try {
    for await (const chunk of body) {
      pending += decoder.write(chunk as Buffer);
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line !== '') yield parseEvent(line);
        nl = pending.indexOf('\n');
      }
    }
  } catch {
    return 'broken';
  }
  // A last line without its newline is complete only if it parses (some servers omit the final newline).
  const rest = (pending + decoder.end()).trim();
  if (rest !== '') {
    try {
      yield parseEvent(rest);
    } catch {
      return 'broken';
    }
  }
  return 'closed';
}

function parseEvent(line: string): WatchEvent {
  const ev = JSON.parse(line) as Partial<WatchEvent>;
  return { type: String(ev.type ?? ''), object: (ev.object ?? {}) as KubeObject };
}
