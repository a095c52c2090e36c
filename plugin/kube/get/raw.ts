/**
 * `get --raw PATH`: kubectl pkg/rawhttp RawGet. The path (and its query) is
 * requested as given and the body copied to stdout byte for byte; a failure
 * is the server's error in kubectl's words.
 */
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import type { Ctx } from '../../context.ts';
import type { KubeClient } from '../rest/client.ts';

/** The path and query to send: RESTClient.RequestURI keeps only those of an absolute URI. */
function pathAndQuery(raw: string): { path: string; query: Record<string, string> } {
  const url = new URL(raw, 'http://kubectl-sock.invalid');
  const query: Record<string, string> = {};
  // url.Values.Encode sorts by key; repeated keys keep their order.
  const keys = [...new Set([...url.searchParams.keys()])].sort();
  for (const k of keys) query[k] = url.searchParams.getAll(k).join(',');
  return { path: url.pathname, query };
}

/** Streams the response body of GET `raw` to stdout. */
export async function runRaw(ctx: Ctx, client: KubeClient, raw: string): Promise<number> {
  const { path, query } = pathAndQuery(raw);
  const req = { path, query, timeoutParam: true };
  const res = await client.send(req);
  await client.ensureOk(res, req);
  const out = ctx.streams.out;
  await pipeline(
    res.body,
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        if (out.write(chunk)) cb();
        else out.once('drain', () => cb());
      },
    }),
  );
  return 0;
}
