import { readFile } from 'node:fs/promises';
import type { Ctx } from '../context.ts';
import { ConfigError } from '../errors.ts';
import type { Klog } from '../klog.ts';
import { klogLine } from '../relay/responses.ts';
import { errnoText } from '../relay/socket-folder.ts';
import type { Upstream } from '../relay/upstream.ts';
import { loadAccounts } from './accounts.ts';
import { AuditLog } from './audit.ts';
import { parseServeConfig } from './config.ts';
import type { GrantRequest, RevokeAnswer, SocketStatus } from './control-api.ts';
import { startControlServer } from './control-server.ts';
import { ServeEngine, type StopCause } from './engine.ts';
import { GrantBook } from './grant-book.ts';
import { checkOnePathEach, resolveSockets, type SocketEntry } from './resolve.ts';
import type { ServedSocket } from './served-socket.ts';
import { socketStatus } from './status.ts';

/** Resolved options of `kubectl sock serve`. */
export interface ServeOptions {
  /** Absolute. */
  configFile: string;
  controlSocket: string;
  stateFile: string;
  /** '' none, '-' stderr. */
  auditLog: string;
  /** Where `grant USER` puts USER.sock. */
  grantDir: string;
}

/**
 * `kubectl sock serve` as a whole: the sockets of the config file and of the
 * grants, one engine serving them, the control socket, and SIGHUP. Every
 * change (a reload, a grant, a revocation, an expiry) runs one at a time.
 */
export class ServeDaemon {
  readonly #ctx: Ctx;
  readonly #o: ServeOptions;
  readonly #klog: Klog;
  readonly #audit: AuditLog;
  readonly engine: ServeEngine;
  readonly grants: GrantBook;
  #config: SocketEntry[] = [];
  /** Config entries whose expireAfter ran out: not served again until they change or the server restarts. */
  readonly #expired = new Set<string>();
  #queue: Promise<unknown> = Promise.resolve();
  #control: { close(): Promise<void> } | undefined;

  private constructor(ctx: Ctx, upstream: Upstream, klog: Klog, audit: AuditLog, o: ServeOptions) {
    this.#ctx = ctx;
    this.#o = o;
    this.#klog = klog;
    this.#audit = audit;
    this.engine = new ServeEngine(ctx, upstream, klog, audit, {
      started: (s) => this.#say(`Starting to serve on ${s.path} for ${s.want.spec.owner} as ${s.want.spec.as}`),
      stopped: (s, cause, cut) => this.#stopped(s, cause, cut),
      expired: (s) => void this.serialize(() => this.#expiredSocket(s)),
    });
    this.grants = new GrantBook(this, o);
  }

  /**
   * Reads the config and the grants, serves every socket, then opens the
   * control socket. Any error stops what was started and is thrown: a bad
   * file, an unknown user, a socket that cannot be made.
   */
  static async start(ctx: Ctx, upstream: Upstream, klog: Klog, o: ServeOptions): Promise<ServeDaemon> {
    const config = await readConfig(o.configFile);
    const grants = await GrantBook.load(o.stateFile);
    checkOnePathEach([...config, ...grants], o.controlSocket);
    const audit = await AuditLog.open(o.auditLog, ctx.cwd, ctx.streams.errOut, ctx.uid);
    const d = new ServeDaemon(ctx, upstream, klog, audit, o);
    try {
      d.grants.restore(grants, ctx.now().getTime());
      d.#config = config;
      const result = await d.engine.apply(await resolveSockets(d.#wanted(), await loadAccounts(ctx)));
      if (result.failed[0]) throw result.failed[0].error;
      d.#control = await startControlServer(o.controlSocket, ctx.uid, {
        list: () => d.list(),
        grant: (r: GrantRequest) => d.serialize(() => d.grants.grant(r)),
        revoke: (t: string) => d.serialize(() => d.grants.revoke(t)),
      });
    } catch (err) {
      await d.close();
      throw err;
    }
    await d.grants.saveIfPruned();
    return d;
  }

  get ctx(): Ctx {
    return this.#ctx;
  }

  /** Runs `fn` after every change queued before it. */
  serialize<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(fn);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** The config entries still wanted now, then the grants. */
  #wanted(): SocketEntry[] {
    const now = this.#ctx.now().getTime();
    const live = this.#config.filter((e) => !this.#expired.has(keyOf(e)) && !(e.spec.expiresAt !== undefined && e.spec.expiresAt <= now));
    return [...live, ...this.grants.entries];
  }

  /**
   * SIGHUP: re-reads the config file and serves what it says now. A file that
   * does not read, parse or validate changes nothing: one error line names
   * the file, the line and the field, and the server keeps serving.
   */
  reload(): Promise<void> {
    return this.serialize(async () => {
      const file = this.#o.configFile;
      let wanted;
      try {
        const config = await readConfig(file);
        checkOnePathEach([...config, ...this.grants.entries], this.#o.controlSocket);
        const previous = this.#config;
        this.#config = config;
        try {
          wanted = await resolveSockets(this.#wanted(), await loadAccounts(this.#ctx));
        } catch (err) {
          this.#config = previous;
          throw err;
        }
      } catch (err) {
        this.#klog.error('serve.ts', `reloading ${file} failed; still serving the previous configuration: ${(err as Error).message}`);
        return;
      }
      await this.#audit.reopen().catch((err: Error) => this.#klog.error('serve.ts', `reopening the audit log failed; still writing to the old file: ${err.message}`));
      const r = await this.engine.apply(wanted);
      for (const f of r.failed) this.#klog.error('serve.ts', `cannot serve ${f.want.spec.path}: ${f.error.message}`);
      this.#say(`Reloaded ${file}: ${r.added.length} added, ${r.removed.length} removed, ${r.changed.length} changed, ${r.unchanged} unchanged${r.failed.length ? `, ${r.failed.length} failed` : ''}`);
    });
  }

  /** Every socket served now, in path order. */
  list(): SocketStatus[] {
    return [...this.engine.served.values()].sort((a, b) => (a.path < b.path ? -1 : 1)).map(socketStatus);
  }

  /** The config entry serving `path`, if one does. */
  configured(path: string): SocketEntry | undefined {
    return this.#config.find((e) => e.spec.path === path);
  }

  /** The config entries owned by `owner`. */
  configuredFor(owner: string): SocketEntry[] {
    return this.#config.filter((e) => e.spec.owner === owner);
  }

  /** Stops serving everything: sockets, then the control socket, then the audit log. */
  async close(): Promise<void> {
    await this.engine.close();
    await this.#control?.close();
    await new Promise((r) => setImmediate(r));
    await this.#audit.close();
  }

  async #expiredSocket(s: ServedSocket): Promise<void> {
    if (s.want.origin.kind === 'config') this.#expired.add(keyOf(s.want));
    else await this.grants.expired(s.path);
  }

  #stopped(s: ServedSocket, cause: StopCause, cut: number): void {
    if (cause === 'shutdown') return;
    const why: Record<Exclude<StopCause, 'shutdown'>, string> = {
      removed: `removed from ${this.#o.configFile}`,
      changed: `changed in ${this.#o.configFile}`,
      revoked: 'revoked',
      expired: 'expired',
    };
    this.#say(`Stopped serving on ${s.path}: ${why[cause]} (${cut} connection${cut === 1 ? '' : 's'} closed)`);
  }

  #say(line: string): void {
    this.#ctx.streams.out.write(`${line}\n`);
  }

  /** A warning line as klog writes one. */
  warn(message: string): void {
    this.#ctx.streams.errOut.write(klogLine('W', this.#ctx.pid, this.#ctx.now(), 'serve.ts', message));
  }
}

/** Identifies a config entry as written, so an expired one stays expired until it changes. */
function keyOf(e: { spec: unknown }): string {
  return JSON.stringify(e.spec);
}

async function readConfig(file: string): Promise<SocketEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the config file ${file}: ${errnoText(err)}`);
  }
  return parseServeConfig(file, text).sockets.map((s, index) => ({ spec: s.spec, origin: { kind: 'config', file, line: s.line, index } }));
}
