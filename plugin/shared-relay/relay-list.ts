import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Ctx } from '../context.ts';
import type { RestConfig } from '../kube/clientcmd/client-config.ts';
import type { KubeFlags } from '../kube/clientcmd/kubeconfig-types.ts';
import { humanDuration } from '../kube/get/human-duration.ts';
import { TabWriter } from '../kube/get/tabwriter.ts';
import { askRelay } from './control.ts';
import { BUILD } from './build.ts';
import { stopRelay } from './launch.ts';
import { CONTROL_SOCKET, type RelayInfo } from './relay-files.ts';
import { relayFolderOfKubeconfig } from './relay-kubeconfig-source.ts';
import { relayName } from './relay-key.ts';
import { stateRoot } from './state-dir.ts';
import { identityText } from './wire.ts';

/** A relay that answered, and its folder. */
export interface ListedRelay {
  info: RelayInfo;
  dir: string;
}

/** The relays of this user that answer on their control sockets, by name. A folder whose relay died is skipped. */
export async function listRelays(ctx: Ctx): Promise<ListedRelay[]> {
  const root = stateRoot(ctx);
  const dirs = readdirSync(root).map((n) => join(root, n)).filter((d) => existsSync(join(d, CONTROL_SOCKET)));
  const answers = await Promise.all(dirs.map(async (dir) => ({ dir, reply: await askRelay(join(dir, CONTROL_SOCKET), { op: 'hello' }) })));
  const out: ListedRelay[] = [];
  for (const { dir, reply } of answers) if (reply?.ok) out.push({ info: reply.info, dir });
  return out.sort((a, b) => (a.info.name < b.info.name ? -1 : 1));
}

/** The name of the relay the current context's upstream has (or would have). */
export function currentRelayName(ctx: Ctx, config: RestConfig, flags: KubeFlags): string {
  const via = relayFolderOfKubeconfig(ctx, flags);
  return via ? basename(via) : relayName(stateRoot(ctx), identityText(config, ctx.env, BUILD, ctx.cwd));
}

export function stopListed(r: ListedRelay): Promise<boolean> {
  return stopRelay(join(r.dir, CONTROL_SOCKET));
}

/** kubectl's table layout (tabwriter, upper-case headers). */
export function relayTable(relays: readonly ListedRelay[], now: Date): string {
  let text = '';
  const tw = new TabWriter((s) => (text += s));
  tw.write('NAME\tSERVER\tCONTEXT\tADDRESS\tPID\tLIFETIME\tCLIENTS\tAGE\n');
  for (const { info } of relays) {
    const lifetime = info.persist ? 'until stopped' : `idle ${humanDuration(info.idleMs)}`;
    const cells = [info.name, info.server, info.context || '<none>', info.address, String(info.pid), lifetime, String(info.connections ?? 0), humanDuration(now.getTime() - Date.parse(info.started))];
    tw.write(`${cells.join('\t')}\n`);
  }
  tw.flush();
  return text;
}
