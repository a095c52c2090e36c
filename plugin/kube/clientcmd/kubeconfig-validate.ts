import type { AuthInfo } from './kubeconfig-types.ts';
import { closeSync, openSync } from 'node:fs';

/**
 * client-go clientcmd validation.go validateAuthInfo: the problems that make
 * kubectl refuse a user entry, in its order (ConfirmUsable reports them all).
 */
export function authInfoProblems(name: string, u: AuthInfo): string[] {
  const problems: string[] = [];
  const methods: string[] = [];
  // Only `token` counts as a method: a tokenFile beside basic auth is no conflict to client-go.
  if (u.token) methods.push('token');
  if (u.username || u.password) methods.push('basicAuth');
  if (u['client-certificate'] || u['client-certificate-data']) {
    if (u['client-certificate'] && u['client-certificate-data']) {
      problems.push(`client-cert-data and client-cert are both specified for ${name}. client-cert-data will override.`);
    }
    if (u['client-key'] && u['client-key-data']) {
      problems.push(`client-key-data and client-key are both specified for ${name}; client-key-data will override`);
    }
    if (!u['client-key'] && !u['client-key-data']) {
      problems.push(`client-key-data or client-key must be specified for ${name} to use the clientCert authentication method.`);
    }
    for (const [field, what] of [['client-certificate', 'client-cert'], ['client-key', 'client-key']] as const) {
      const file = u[field];
      const why = file ? openProblem(file) : undefined;
      if (why) problems.push(`unable to read ${what} ${file} for ${name} due to ${why}`);
    }
  }
  if (u.exec) problems.push(...validateExec(name, u));
  if (methods.length > 1) {
    problems.push(`more than one authentication method found for ${name}; found [${methods.join(' ')}], only one is allowed`);
  }
  if ((u['as-uid'] || u['as-groups']?.length || Object.keys(u['as-user-extra'] ?? {}).length) && !u.as) {
    problems.push(`requesting uid, groups or user-extra for ${name} without impersonating a user`);
  }
  return problems;
}

function validateExec(name: string, u: AuthInfo): string[] {
  const exec = u.exec;
  if (!exec) return [];
  const problems: string[] = [];
  if (u['auth-provider']) problems.push(`authProvider cannot be provided in combination with an exec plugin for ${name}`);
  if (!exec.command) problems.push(`command must be specified for ${name} to use exec authentication plugin`);
  if (!exec.apiVersion) problems.push(`apiVersion must be specified for ${name} to use exec authentication plugin`);
  for (const v of exec.env ?? []) {
    if (!v.name) problems.push(`env variable name must be specified for ${name} to use exec authentication plugin`);
  }
  // The v1beta1 (and v1alpha1) loaders default interactiveMode to IfAvailable; v1 requires it.
  const mode = exec.interactiveMode ?? (exec.apiVersion?.endsWith('/v1') ? undefined : 'IfAvailable');
  if (mode === undefined) problems.push(`interactiveMode must be specified for ${name} to use exec authentication plugin`);
  else if (!['Never', 'IfAvailable', 'Always'].includes(mode)) problems.push(`invalid interactiveMode for ${name}: "${mode}"`);
  return problems;
}

/** Go's os.Open error for a file client-go checks exists ("open /x: no such file or directory"), or undefined. */
export function openProblem(path: string): string | undefined {
  try {
    closeSync(openSync(path, 'r'));
    return undefined;
  } catch (err) {
    return `open ${path}: ${errnoText((err as NodeJS.ErrnoException).code)}`;
  }
}

/** Go's syscall.Errno texts for what opening a file can fail with. */
export function errnoText(code: string | undefined): string {
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'not a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return code ?? 'unknown error';
  }
}
