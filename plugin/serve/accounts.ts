import { readFile } from 'node:fs/promises';
import type { Ctx } from '../context.ts';
import { isNumericAccount } from './spec.ts';

/**
 * Local users and groups by name, as chown(1) resolves them: /etc/passwd and
 * /etc/group first, then `getent` (NSS: LDAP, sssd, systemd's dynamic users)
 * for a name the files do not have. Node has no getpwnam.
 */

/** name → uid (passwd) or gid (group), from the colon-separated files. */
export function parseIdFile(text: string): Map<string, number> {
  const ids = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [name, , id] = line.split(':');
    if (name && id !== undefined && /^\d+$/.test(id) && !ids.has(name)) ids.set(name, Number(id));
  }
  return ids;
}

export interface Accounts {
  /** The uid of a user name or numeric uid; undefined when no such user exists. */
  uid(owner: string): Promise<number | undefined>;
  /** The gid of a group name or numeric gid. */
  gid(group: string): Promise<number | undefined>;
}

/** Reads the account files once per call site (one config load), falling back to getent per name. */
export async function loadAccounts(ctx: Ctx, files = { passwd: '/etc/passwd', group: '/etc/group' }): Promise<Accounts> {
  const read = (path: string) => readFile(path, 'utf8').then(parseIdFile, () => new Map<string, number>());
  const [users, groups] = await Promise.all([read(files.passwd), read(files.group)]);
  const lookup = async (table: Map<string, number>, db: 'passwd' | 'group', name: string) => {
    if (isNumericAccount(name)) return Number(name);
    const known = table.get(name);
    if (known !== undefined) return known;
    const found = parseIdFile(await getent(ctx, db, name)).get(name);
    if (found !== undefined) table.set(name, found);
    return found;
  };
  return { uid: (o) => lookup(users, 'passwd', o), gid: (g) => lookup(groups, 'group', g) };
}

/** `getent DB NAME`'s line, or '' when it is missing or finds nothing. */
function getent(ctx: Ctx, db: string, name: string): Promise<string> {
  return new Promise((done) => {
    let out = '';
    try {
      const child = ctx.spawn('getent', [db, '--', name], { stdio: ['ignore', 'pipe', 'ignore'] });
      child.stdout?.on('data', (c: Buffer) => (out += c));
      child.on('error', () => done(''));
      child.on('close', () => done(out));
    } catch {
      done('');
    }
  });
}
