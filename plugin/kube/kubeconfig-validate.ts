import { ConfigError } from '../errors.ts';
import type { AuthInfo } from './kubeconfig-types.ts';

/**
 * client-go clientcmd validation.go validateAuthInfo, the checks that make
 * kubectl refuse a user entry. Several problems are reported as Go's
 * aggregate error does: "[a, b]".
 */
export function validateAuthInfo(name: string, u: AuthInfo): void {
  const problems: string[] = [];
  const methods: string[] = [];
  if (u.token || u.tokenFile) methods.push('token');
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
  }
  if (u.exec) problems.push(...validateExec(name, u));
  if (methods.length > 1) {
    problems.push(`more than one authentication method found for ${name}; found [${methods.join(' ')}], only one is allowed`);
  }
  if ((u['as-uid'] || u['as-groups']?.length || Object.keys(u['as-user-extra'] ?? {}).length) && !u.as) {
    problems.push(`requesting uid, groups or user-extra for ${name} without impersonating a user`);
  }
  if (problems.length === 1) throw new ConfigError(problems[0] as string);
  if (problems.length > 1) throw new ConfigError(`[${problems.join(', ')}]`);
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

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** client-go validateContext: a context's namespace must be a DNS label. */
export function validateContextNamespace(context: string, namespace: string): void {
  if (namespace.length > 63 || !dnsLabel.test(namespace)) {
    throw new ConfigError(`namespace "${namespace}" for context "${context}" does not conform to the kubernetes DNS_LABEL rules`);
  }
}
