import type { Ctx } from '../../context.ts';
import { SockError } from '../../errors.ts';
import type { Cluster, ExecConfig } from './kubeconfig-types.ts';

/** What an exec plugin returned: a token or a client certificate pair. */
export interface ExecCredential {
  token?: string;
  cert?: Buffer;
  key?: Buffer;
  /** Date.getTime() of expirationTimestamp; undefined means valid for the life of the process. */
  expiresAt?: number;
}

const NOT_INSTALLED =
  'It looks like you are trying to use a client-go credential plugin that is not installed.\n\nTo learn more about this feature, consult the documentation available at:\n      https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins';

/** A credential-plugin failure, worded as client-go's exec authenticator words it. */
export class ExecPluginError extends SockError {
  constructor(message: string) {
    super('E_EXEC', message);
  }
}

/**
 * Runs an exec credential plugin (client-go plugin/pkg/client/auth/exec):
 * KUBERNETES_EXEC_INFO in its environment, stdin only when interactive,
 * its stderr to the user, its stdout decoded as an ExecCredential.
 */
export async function runExecPlugin(ctx: Ctx, exec: ExecConfig, cluster: Cluster | undefined): Promise<ExecCredential> {
  const apiVersion = exec.apiVersion ?? '';
  if (apiVersion !== 'client.authentication.k8s.io/v1' && apiVersion !== 'client.authentication.k8s.io/v1beta1') {
    throw new ExecPluginError(`exec plugin: invalid apiVersion "${apiVersion}"`);
  }
  const interactive = isInteractive(exec, ctx.streams.stdinIsTTY);
  const info = execInfo(apiVersion, interactive, exec.provideClusterInfo ? cluster : undefined);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  for (const v of exec.env ?? []) env[v.name] = v.value;
  env['KUBERNETES_EXEC_INFO'] = info;
  const stdout = await spawnPlugin(ctx, exec, env, interactive);
  return decode(stdout, apiVersion);
}

function isInteractive(exec: ExecConfig, stdinIsTTY: boolean): boolean {
  const mode = exec.interactiveMode ?? 'IfAvailable';
  if (mode === 'Never') return false;
  if (mode === 'Always' && !stdinIsTTY) {
    throw new ExecPluginError('exec plugin cannot support interactive mode: standard input is not a terminal');
  }
  return stdinIsTTY;
}

/** The KUBERNETES_EXEC_INFO JSON, fields in client-go's struct order. */
function execInfo(apiVersion: string, interactive: boolean, cluster: Cluster | undefined): string {
  const spec: Record<string, unknown> = {};
  if (cluster) {
    const c: Record<string, unknown> = { server: cluster.server ?? '' };
    if (cluster['tls-server-name']) c['tls-server-name'] = cluster['tls-server-name'];
    if (cluster['insecure-skip-tls-verify']) c['insecure-skip-tls-verify'] = true;
    if (cluster['certificate-authority-data']) c['certificate-authority-data'] = cluster['certificate-authority-data'];
    if (cluster['proxy-url']) c['proxy-url'] = cluster['proxy-url'];
    if (cluster['disable-compression']) c['disable-compression'] = true;
    const ext = cluster.extensions?.find((e) => e.name === 'client.authentication.k8s.io/exec');
    if (ext) c['config'] = ext.extension;
    spec['cluster'] = c;
  }
  spec['interactive'] = interactive;
  return JSON.stringify({ kind: 'ExecCredential', apiVersion, spec });
}

function spawnPlugin(ctx: Ctx, exec: ExecConfig, env: Record<string, string>, interactive: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = ctx.spawn(exec.command, exec.args ?? [], {
      env,
      cwd: ctx.cwd,
      stdio: [interactive ? 'inherit' : 'ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => chunks.push(c));
    child.stderr?.on('data', (c: Buffer) => ctx.streams.errOut.write(c));
    child.on('error', (err: NodeJS.ErrnoException) => reject(new ExecPluginError(spawnFailure(exec, err))));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(chunks).toString('utf8'));
      else reject(new ExecPluginError(`exec: executable ${exec.command} failed with exit code ${code ?? 1}`));
    });
  });
}

/**
 * client-go's wrapCmdRunErrorLocked for a plugin that did not start. A bare
 * name is looked up on PATH (exec.LookPath): not found, with the install
 * paragraph and then the kubeconfig's installHint. A path is started as is,
 * so the failure is fork/exec's ("fork/exec /opt/bin/x: no such file or directory").
 */
function spawnFailure(exec: ExecConfig, err: NodeJS.ErrnoException): string {
  if (!exec.command.includes('/') && (err.code === 'ENOENT' || err.code === 'EACCES')) {
    return `exec: executable ${exec.command} not found\n\n${NOT_INSTALLED}${exec.installHint ? `\n\n${exec.installHint}` : ''}`;
  }
  const why = err.code === 'ENOENT' ? 'no such file or directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
  return `exec: fork/exec ${exec.command}: ${why}`;
}

/** client-go's decode and checks (exec-credential-decode.ts), as an ExecPluginError. */
async function decode(stdout: string, apiVersion: string): Promise<ExecCredential> {
  try {
    // Loaded when a plugin has run: its node:crypto costs every other command's start-up several ms.
    const { decodeCredential } = await import('./exec-credential-decode.ts');
    const c = await decodeCredential(stdout, apiVersion);
    return {
      ...(c.token ? { token: c.token } : {}),
      ...(c.cert && c.key ? { cert: Buffer.from(c.cert), key: Buffer.from(c.key) } : {}),
      ...(c.expiresAt !== undefined ? { expiresAt: c.expiresAt } : {}),
    };
  } catch (err) {
    throw new ExecPluginError((err as Error).message);
  }
}
