import { loadAccounts } from './accounts.ts';
import { ControlRefusal, type GrantRequest, type RevokeAnswer, type SocketStatus } from './control-api.ts';
import type { ServeDaemon, ServeOptions } from './daemon.ts';
import { specFromGrant } from './grant-spec.ts';
import { loadGrants, saveGrants } from './grants-store.ts';
import { resolveSockets, type SocketEntry } from './resolve.ts';
import { socketStatus } from './status.ts';

/**
 * The grants of a running server (`kubectl sock grant`, `revoke`): the
 * sockets made on demand, kept in the grants file so they outlive a restart.
 * A revocation takes effect first (file removed, connections cut) and is
 * saved after, so a full disk never leaves access in place.
 */
export class GrantBook {
  readonly #d: ServeDaemon;
  readonly #o: ServeOptions;
  #entries: SocketEntry[] = [];
  #pruned = false;

  constructor(d: ServeDaemon, o: ServeOptions) {
    this.#d = d;
    this.#o = o;
  }

  /** The grants file's entries, with their origin. */
  static async load(stateFile: string): Promise<SocketEntry[]> {
    return (await loadGrants(stateFile)).map((g, index) => ({ spec: g.spec, origin: { kind: 'grant', file: stateFile, line: g.line, index } }));
  }

  get entries(): readonly SocketEntry[] {
    return this.#entries;
  }

  /** Takes the grants read at start, dropping those whose time ran out while the server was down. */
  restore(entries: SocketEntry[], now: number): void {
    this.#entries = entries.filter((e) => e.spec.expiresAt === undefined || e.spec.expiresAt > now);
    this.#pruned = this.#entries.length !== entries.length;
  }

  /** Rewrites the file when restore() dropped expired grants. */
  async saveIfPruned(): Promise<void> {
    if (this.#pruned) await this.#save().catch((err: Error) => this.#d.warn(err.message));
  }

  async grant(r: GrantRequest): Promise<SocketStatus> {
    const spec = specFromGrant(r, this.#o.grantDir, this.#d.ctx.now().getTime());
    if (spec.path === this.#o.controlSocket) throw new ControlRefusal(409, `${spec.path} is the control socket`);
    const configured = this.#d.configured(spec.path);
    if (configured) throw new ControlRefusal(409, `${spec.path} is already served by ${configured.origin.file}:${configured.origin.line}`);
    const granted = this.#entries.find((e) => e.spec.path === spec.path);
    if (granted) throw new ControlRefusal(409, `${spec.path} is already granted to ${granted.spec.owner}; revoke it first`);
    const entry: SocketEntry = { spec, origin: { kind: 'grant', file: this.#o.stateFile, line: 0, index: -1 } };
    const [want] = await resolveSockets([entry], await loadAccounts(this.#d.ctx));
    const served = await this.#d.engine.add(want as NonNullable<typeof want>);
    this.#entries = [...this.#entries, entry];
    try {
      await this.#save();
    } catch (err) {
      // Not saved: it would vanish on restart, so it is not granted at all.
      this.#entries = this.#entries.filter((e) => e !== entry);
      await this.#d.engine.stop(spec.path, 'revoked');
      throw err;
    }
    return socketStatus(served);
  }

  /** Revokes the grant at a path, or every grant of a user. */
  async revoke(target: string): Promise<RevokeAnswer> {
    if (target === '') throw new ControlRefusal(400, 'name a user or a socket path to revoke');
    const byPath = target.startsWith('/');
    const hit = this.#entries.filter((e) => (byPath ? e.spec.path === target : e.spec.owner === target));
    if (hit.length === 0) throw this.#notGranted(target, byPath);
    // All at once: every connection is cut in this turn of the event loop, before any file work is awaited.
    const revoked = await Promise.all(hit.map(async (e) => ({ path: e.spec.path, connections: (await this.#d.engine.stop(e.spec.path, 'revoked')) ?? 0 })));
    this.#entries = this.#entries.filter((e) => !hit.includes(e));
    await this.#save().catch((err: Error) => {
      throw new ControlRefusal(500, `revoked ${revoked.map((r) => r.path).join(', ')}, but ${err.message}: it will be served again after a restart unless the file is fixed`);
    });
    return { revoked };
  }

  /** A grant's time ran out (its socket is already closed): it leaves the file. */
  async expired(path: string): Promise<void> {
    this.#entries = this.#entries.filter((e) => e.spec.path !== path);
    await this.#save().catch((err: Error) => this.#d.warn(err.message));
  }

  #notGranted(target: string, byPath: boolean): ControlRefusal {
    const configured = byPath ? [this.#d.configured(target)].filter((e) => e !== undefined) : this.#d.configuredFor(target);
    if (configured.length > 0) {
      const where = configured.map((e) => `${e.origin.file}:${e.origin.line}`).join(', ');
      const one = configured.length === 1;
      const what = byPath ? target : `${one ? 'the socket' : 'the sockets'} of ${target}`;
      return new ControlRefusal(409, `${what} ${one ? 'comes' : 'come'} from the config file (${where}), not from a grant; remove ${one ? 'it' : 'them'} there and reload the server (kill -HUP, or systemctl reload)`);
    }
    return new ControlRefusal(404, byPath ? `no socket is granted at ${target}` : `no socket is granted to ${target}`);
  }

  #save(): Promise<void> {
    return saveGrants(this.#o.stateFile, this.#entries.map((e) => e.spec));
  }
}
