/**
 * The network half of `kubectl sock get` (kubectl get.go Run): --raw, the
 * watch, or a get printed as tables or through an -o printer; errors that
 * kubectl reports after the output are reported after ours.
 */
import type { Ctx } from '../../context.ts';
import { ApiError, ConnectError, formatError, InterruptedError, SilentError, SockError } from '../../errors.ts';
import type { Factory } from '../../commands/factory.ts';
import { buildPlan } from './builder.ts';
import { ListReadError } from './collect.ts';
import type { GetOptions, Plan } from './options.ts';
import { SortFatal } from './sort-errors.ts';

/** Runs a completed and validated get; returns the exit code. */
export async function runGet(ctx: Ctx, f: Factory, o: GetOptions): Promise<number> {
  try {
    if (o.raw) {
      const { runRaw } = await import('./raw.ts');
      return await runRaw(ctx, await f.client(), o.raw);
    }
    const plan = await planFor(f, o);
    const client = await f.client();
    // Each path loads only its own modules.
    if (o.watch || o.watchOnly) return await (await import('./run-watch.ts')).runWatch(ctx, client, f.klog, o, plan);
    const errors = o.humanReadable
      ? await (await import('./print-tables.ts')).printTables(ctx, client, o, plan)
      : await (await import('./print-generic.ts')).printGeneric(ctx, client, o, plan);
    return reportErrors(ctx, errors, o.humanReadable);
  } catch (err) {
    // Ctrl-C: stop quietly with 130 (143 for SIGTERM).
    if (ctx.signal.aborted) throw new InterruptedError(ctx.signal.reason);
    if (err instanceof SortFatal) {
      ctx.streams.errOut.write(fatalLine(ctx, err.message));
      throw new SilentError(1);
    }
    throw err;
  }
}

function planFor(f: Factory, o: GetOptions): Promise<Plan> {
  return buildPlan(
    {
      args: o.args,
      namespace: o.allNamespaces ? '' : o.namespace,
      allNamespaces: o.allNamespaces,
      labelSelector: o.labelSelector,
      fieldSelector: o.fieldSelector,
      // kubectl's watch builder takes no subresource.
      subresource: o.watch || o.watchOnly ? '' : o.subresource,
      singleResourceType: o.watch || o.watchOnly,
      commandName: o.commandPath.replace(/ get$/, ''),
    },
    { resourceType: (name) => f.resourceType(name), discovery: () => f.discovery() },
  );
}

/**
 * kubectl's CheckErr for an aggregate: one error as usual; several, one line each without "error: ".
 * In the table path a list page that could not be read or decoded is printed so even alone: it
 * comes from inside the list visitor's own aggregate (printGeneric flattens that one away).
 * So is a request that failed after client-go's retries with its earlier cause, in either path.
 */
function reportErrors(ctx: Ctx, errors: unknown[], tablePath: boolean): number {
  if (errors.length === 0) return 0;
  const unreadable = (e: unknown) => (tablePath && e instanceof ListReadError) || (e instanceof SockError && e.code === 'E_RETRY');
  if (errors.length === 1 && (ctx.signal.aborted || !unreadable(errors[0]))) throw errors[0];
  for (const err of errors) {
    const line = err instanceof ApiError || err instanceof ConnectError ? formatError(err).text : err instanceof Error ? err.message : String(err);
    ctx.streams.errOut.write(`${line}\n`);
  }
  throw new SilentError(1);
}

/** klog.Exitf's line: `F1123 17:46:23.149409    1832 sorter.go:375] …`. */
function fatalLine(ctx: Ctx, message: string): string {
  const d = ctx.now();
  const p2 = (n: number) => String(n).padStart(2, '0');
  const micros = String(d.getMilliseconds() * 1000).padStart(6, '0');
  const stamp = `${p2(d.getMonth() + 1)}${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${micros}`;
  return `F${stamp} ${String(ctx.pid).padStart(7)} sorter.go:375] ${message}\n`;
}
