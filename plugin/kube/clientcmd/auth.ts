import { readFileSync } from 'node:fs';
import type { Ctx } from '../../context.ts';
import { ConfigError, ConnectError } from '../../errors.ts';
import type { ClientCertificate } from '../../transport/dispatcher.ts';
import type { Credentials, Impersonation } from './client-config.ts';
import { ExecPluginError, runExecPlugin, type ExecCredential } from './exec-credential.ts';

/**
 * Supplies the Authorization and Impersonate-* headers of a request (client-go's
 * bearer, basic, exec and impersonating round trippers), caching an exec
 * plugin's credential until its expirationTimestamp.
 */
export class Authenticator {
  readonly #ctx: Ctx;
  readonly #creds: Credentials;
  readonly #impersonate: Impersonation;
  #exec: ExecCredential | undefined;

  constructor(ctx: Ctx, creds: Credentials, impersonate: Impersonation) {
    this.#ctx = ctx;
    this.#creds = creds;
    this.#impersonate = impersonate;
  }

  /** Whether a 401 may be cured by asking again (only an exec plugin can give a new credential). */
  get refreshable(): boolean {
    return this.#creds.exec !== undefined;
  }

  /** Forgets the cached exec credential: client-go re-runs the plugin after a 401. */
  invalidate(): void {
    this.#exec = undefined;
  }

  /** The exec plugin's client certificate, if it returned one (needed before connecting). */
  async clientCertificate(): Promise<ClientCertificate | undefined> {
    const cred = await this.#execCredential();
    return cred?.cert && cred.key ? { cert: cred.cert, key: cred.key } : undefined;
  }

  /** The headers to add to one request. */
  async headers(): Promise<Record<string, string | string[]>> {
    const h: Record<string, string | string[]> = {};
    const c = this.#creds;
    const exec = await this.#execCredential();
    if (exec?.token) h['authorization'] = `Bearer ${exec.token}`;
    else if (c.token) h['authorization'] = `Bearer ${c.token}`;
    else if (c.tokenFile) h['authorization'] = `Bearer ${readToken(c.tokenFile)}`;
    else if (c.username || c.password) {
      h['authorization'] = `Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64')}`;
    }
    const imp = this.#impersonate;
    if (imp.user) h['impersonate-user'] = imp.user;
    if (imp.uid) h['impersonate-uid'] = imp.uid;
    if (imp.groups.length > 0) h['impersonate-group'] = imp.groups;
    for (const [k, v] of Object.entries(imp.extra)) h[`impersonate-extra-${encodeURIComponent(k)}`] = v;
    return h;
  }

  async #execCredential(): Promise<ExecCredential | undefined> {
    const exec = this.#creds.exec;
    if (!exec) return undefined;
    const cached = this.#exec;
    if (cached && (cached.expiresAt === undefined || cached.expiresAt > this.#ctx.now().getTime())) return cached;
    try {
      this.#exec = await runExecPlugin(this.#ctx, exec, this.#creds.execCluster);
    } catch (err) {
      // client-go's exec round tripper fails the request itself: a *url.Error, which kubectl
      // prints as "Unable to connect to the server: getting credentials: exec: …".
      if (err instanceof ExecPluginError) throw new ConnectError('other', '', `getting credentials: ${err.message}`);
      throw err;
    }
    return this.#exec;
  }
}

/** client-go re-reads tokenFile (BearerTokenFile) so a rotated token is picked up. */
function readToken(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new ConfigError(`open ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : 'permission denied'}`);
  }
}
