import { textOf, unescapePath } from './request-target.ts';

/**
 * The path a relayed request will reach, judged in every reading a server on
 * the way may give it. The API server routes the decoded path; its proxy
 * subresources hand the rest to a pod, service or kubelet, which resolves
 * `..` (from `%2E%2E` or `..%2F` too) and may read `;params` (Tomcat's
 * `..;/`), a backslash as a slash, or a `#` as the end of the path. A path
 * is judged in each reading, and one with a dot or empty segment in any of
 * them is refused outright: no check can know where it lands.
 */

/** One reading of a path: its segments, the first one the empty string before the leading slash. */
export type Segments = readonly string[];

/** A segment without what some servers strip: `;path-params` and a `#fragment`. */
function bare(seg: string): string {
  const cut = seg.search(/[;#]/);
  return cut < 0 ? seg : seg.slice(0, cut);
}

/**
 * The readings of a path: the decoded path split at `/`, the same split at
 * `/` and `\`, and the escaped path sent upstream split at `/` before each
 * segment is decoded (where `%2F` stays inside its segment).
 */
export function readings(path: string, sentRaw: string): Segments[] {
  const raw = sentRaw.split('/').map((seg) => {
    const bytes = unescapePath(seg);
    return bytes === undefined ? seg : textOf(bytes);
  });
  return [path.split('/'), path.split(/[/\\]/), raw].map((segs) => segs.map(bare));
}

/** Whether any reading has a `.` or `..` segment, or an empty one other than a trailing slash's. */
export function hasDotOrEmptySegment(views: readonly Segments[]): boolean {
  return views.some((segs) => segs.some((s, i) => i > 0 && (s === '.' || s === '..' || (s === '' && i < segs.length - 1))));
}

/** The subresource one API path names, from its `api`/`apis` segment on (…/pods/P/exec → exec). */
function subresourceFrom(segs: Segments, at: number): string | undefined {
  let rest = segs.slice(at + (segs[at] === 'api' ? 2 : 3));
  // The pre-1.10 proxy path (/api/v1/proxy/namespaces/…) acts too, were a server to route it.
  if (rest[0] === 'proxy') return 'proxy';
  if (rest[0] === 'namespaces' && rest.length >= 4) rest = rest.slice(2);
  return rest[2];
}

/**
 * The subresources the readings name. Every `api`/`apis` segment is taken as
 * a possible start, so a server path in front (Rancher's /k8s/clusters/ID,
 * sent by the client itself) does not hide one.
 */
export function subresources(views: readonly Segments[]): Set<string> {
  const found = new Set<string>();
  for (const segs of views) {
    segs.forEach((s, i) => {
      if (s !== 'api' && s !== 'apis') return;
      const sub = subresourceFrom(segs, i);
      if (sub !== undefined) found.add(sub);
    });
  }
  return found;
}
