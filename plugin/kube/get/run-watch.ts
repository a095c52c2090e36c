/**
 * `get -w` / `--watch-only`: kubectl get.go watch(). List (or get) first,
 * print that unless --watch-only, then watch from the list's
 * resourceVersion, printing each event as it arrives; rows share the column
 * widths seen so far (tabwriter RememberWidths), flushed per event.
 */
import { InterruptedError, SockError } from '../../errors.ts';
import { enterInterruptHandler } from '../../cli/interrupt.ts';
import type { Ctx } from '../../context.ts';
import type { Klog } from '../../klog.ts';
import type { KubeClient } from '../rest/client.ts';
import { collectInfos, isNotFound, itemsOf, type Info } from './collect.ts';
import { HumanPrinter } from './human-printer.ts';
import type { GetOptions, Plan } from './options.ts';
import { logTableFallback, printerSpec } from './print-generic.ts';
import { printOptions, requestShape, sortedForPrint } from './print-tables.ts';
import { newObjectPrinter } from './printers-adapter.ts';
import { isList, type KubeObject } from './table-types.ts';
import { TabWriter } from './tabwriter.ts';
import { KnownObjects, runWatchLoop, type WatchSink } from './watch.ts';

/** Prints initial objects and events through one tabwriter, as kubectl's watch printer does. */
interface Printing {
  print(obj: KubeObject, eventType: string): Promise<void>;
  flush(): void;
}

async function makePrinting(ctx: Ctx, o: GetOptions, info: Info, klog: Klog): Promise<Printing> {
  const w = new TabWriter((text) => ctx.streams.out.write(text));
  if (o.humanReadable) {
    // The watch printer shows NAMESPACE whenever -A is given, even for cluster-scoped types (as kubectl does).
    const printer = new HumanPrinter(printOptions(o, info.visit.resource, o.allNamespaces, o.showKind), () => ctx.now());
    return {
      async print(obj, eventType) {
        if (await sortedForPrint(obj, o.sortBy)) printer.print(obj, w, eventType);
      },
      flush: () => w.flush(),
    };
  }
  const printer = await newObjectPrinter(printerSpec(o, ctx.cwd));
  return {
    async print(obj, eventType) {
      logTableFallback(klog, o);
      printer.print(obj, w, eventType);
    },
    flush: () => w.flush(),
  };
}

/** resource.Result.Object(): one named object as itself, else a list of what was fetched. */
function resultObject(infos: Info[], plan: Plan): { objects: KubeObject[]; isList: boolean; resourceVersion: string } {
  const first = infos[0]?.object as KubeObject;
  if (infos.length === 1 && plan.singleItemImplied && !isList(first)) return { objects: [first], isList: false, resourceVersion: '0' };
  if (infos.length === 1 && isList(first)) {
    const rv = ((first['metadata'] ?? {}) as { resourceVersion?: string }).resourceVersion ?? '';
    return { objects: itemsOf(first), isList: true, resourceVersion: rv };
  }
  // toV1List: the list's resourceVersion only when all parts agree on one.
  const versions = new Set(infos.map((i) => ((i.object['metadata'] ?? {}) as { resourceVersion?: string }).resourceVersion ?? ''));
  return { objects: infos.map((i) => i.object), isList: true, resourceVersion: versions.size === 1 ? ([...versions][0] as string) : '' };
}

/** Lists, prints, then watches until ctx.signal aborts. */
export async function runWatch(ctx: Ctx, client: KubeClient, klog: Klog, o: GetOptions, plan: Plan): Promise<number> {
  const shape = requestShape(o, true);
  let infos: Info[];
  try {
    ({ infos } = await collectInfos(client, plan, shape, { continueOnError: false, ignoreNotFound: false, flatten: false, rowObjects: o.sortBy === '' ? 'metadata' : 'whole' }));
  } catch (err) {
    if (isNotFound(err) && o.ignoreNotFound) return 0;
    throw err;
  }
  const result = resultObject(infos, plan);
  const printing = await makePrinting(ctx, o, infos[0] as Info, klog);
  const known = new KnownObjects();
  for (const obj of result.objects) {
    known.seed(obj);
    if (!o.watchOnly) await printing.print(obj, o.outputWatchEvents ? 'ADDED' : '');
  }
  printing.flush();
  if (plan.visits.length !== 1) throw new SockError('E_WATCH', 'you may only watch a single resource or type of resource at a time');
  const sink: WatchSink = {
    async event(type, object) {
      await printing.print(object, o.outputWatchEvents ? type : '');
      printing.flush();
    },
  };
  // kubectl watches under its interrupt handler: a signal from here on ends it with status 1.
  enterInterruptHandler(ctx.signal);
  const end = await runWatchLoop({
    client,
    visit: plan.visits[0] as Plan['visits'][number],
    shape,
    klog,
    signal: ctx.signal,
    sink,
    resourceVersion: result.resourceVersion,
    skipFirst: !result.isList,
    known,
    timeoutMs: client.config.timeoutMs,
  });
  // Where kubectl's watch ends (--request-timeout, a body that is not a watch stream), kubectl exits 0.
  if (end === 'ended') return 0;
  throw new InterruptedError(ctx.signal.reason);
}
