import type { FlagDef } from './flags.ts';

/**
 * kubectl's global flags (`kubectl options`, 1.32), accepted anywhere after
 * `sock`: kubectl itself refuses flags placed before a plugin's name.
 * Usage texts are kubectl's own, so `kubectl sock options` reads the same.
 */
export function globalFlags(home: string): FlagDef[] {
  return [
    { name: 'as', kind: 'string', usage: 'Username to impersonate for the operation. User could be a regular user or a service account in a namespace.' },
    { name: 'as-group', kind: 'stringArray', defValue: '[]', usage: 'Group to impersonate for the operation, this flag can be repeated to specify multiple groups.' },
    { name: 'as-uid', kind: 'string', usage: 'UID to impersonate for the operation.' },
    { name: 'cache-dir', kind: 'string', defValue: `${home}/.kube/cache`, usage: 'Default cache directory' },
    { name: 'certificate-authority', kind: 'string', usage: 'Path to a cert file for the certificate authority' },
    { name: 'client-certificate', kind: 'string', usage: 'Path to a client certificate file for TLS' },
    { name: 'client-key', kind: 'string', usage: 'Path to a client key file for TLS' },
    { name: 'cluster', kind: 'string', usage: 'The name of the kubeconfig cluster to use' },
    { name: 'context', kind: 'string', usage: 'The name of the kubeconfig context to use' },
    { name: 'disable-compression', kind: 'bool', usage: 'If true, opt-out of response compression for all requests to the server' },
    { name: 'insecure-skip-tls-verify', kind: 'bool', usage: "If true, the server's certificate will not be checked for validity. This will make your HTTPS connections insecure" },
    { name: 'kubeconfig', kind: 'string', usage: 'Path to the kubeconfig file to use for CLI requests.' },
    { name: 'log-flush-frequency', kind: 'duration', defValue: '5s', usage: 'Maximum number of seconds between log flushes' },
    { name: 'match-server-version', kind: 'bool', usage: 'Require server version to match client version' },
    { name: 'namespace', short: 'n', kind: 'string', usage: 'If present, the namespace scope for this CLI request' },
    { name: 'password', kind: 'string', usage: 'Password for basic authentication to the API server' },
    { name: 'profile', kind: 'string', defValue: 'none', usage: 'Name of profile to capture. One of (none|cpu|heap|goroutine|threadcreate|block|mutex)' },
    { name: 'profile-output', kind: 'string', defValue: 'profile.pprof', usage: 'Name of the file to write the profile to' },
    { name: 'request-timeout', kind: 'string', defValue: '0', usage: "The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don't timeout requests." },
    { name: 'server', short: 's', kind: 'string', usage: 'The address and port of the Kubernetes API server' },
    { name: 'tls-server-name', kind: 'string', usage: 'Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used' },
    { name: 'token', kind: 'string', usage: 'Bearer token for authentication to the API server' },
    { name: 'user', kind: 'string', usage: 'The name of the kubeconfig user to use' },
    { name: 'username', kind: 'string', usage: 'Username for basic authentication to the API server' },
    { name: 'v', short: 'v', kind: 'int', defValue: '0', usage: 'number for the log level verbosity' },
    { name: 'vmodule', kind: 'string', bareDefault: true, usage: 'comma-separated list of pattern=N settings for file-filtered logging (only works for the default text log format)' },
    { name: 'warnings-as-errors', kind: 'bool', usage: 'Treat warnings received from the server as errors and exit with a non-zero exit code' },
  ];
}

/** -h/--help, which every command has. */
export const helpFlag: FlagDef = { name: 'help', short: 'h', kind: 'bool', usage: 'help', hidden: true };
