/** The kubeconfig v1 schema (client-go tools/clientcmd/api/v1/types.go), kebab-case keys as on disk. */

export interface Cluster {
  server?: string;
  'tls-server-name'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'proxy-url'?: string;
  'disable-compression'?: boolean;
  extensions?: NamedExtension[];
}

export interface ExecEnvVar {
  name: string;
  value: string;
}

export interface ExecConfig {
  command: string;
  args?: string[];
  env?: ExecEnvVar[];
  apiVersion?: string;
  installHint?: string;
  provideClusterInfo?: boolean;
  interactiveMode?: 'Never' | 'IfAvailable' | 'Always';
}

export interface AuthInfo {
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  token?: string;
  tokenFile?: string;
  as?: string;
  'as-uid'?: string;
  'as-groups'?: string[];
  'as-user-extra'?: Record<string, string[]>;
  username?: string;
  password?: string;
  'auth-provider'?: { name: string; config?: Record<string, string> };
  exec?: ExecConfig;
}

export interface Context {
  cluster?: string;
  user?: string;
  namespace?: string;
}

export interface NamedExtension {
  name: string;
  extension: unknown;
}

/** A kubeconfig after merging: maps by name, as client-go's internal api.Config. */
export interface MergedKubeconfig {
  currentContext: string;
  clusters: Map<string, Cluster>;
  users: Map<string, AuthInfo>;
  contexts: Map<string, Context>;
  /** The file each named entry came from (for messages and -v logs). */
  files: string[];
}

/** One parsed file, its relative paths already resolved against its folder. */
export interface KubeconfigFile {
  path: string;
  currentContext?: string;
  clusters: [string, Cluster][];
  users: [string, AuthInfo][];
  contexts: [string, Context][];
}

/** The kubeconfig-related global flags, as given (client-go ConfigOverrides). */
export interface KubeFlags {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  server?: string;
  certificateAuthority?: string;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
  token?: string;
  username?: string;
  password?: string;
  clientCertificate?: string;
  clientKey?: string;
  as?: string;
  asGroup?: string[];
  asUid?: string;
  requestTimeout?: string;
  disableCompression?: boolean;
}
