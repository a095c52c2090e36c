// Shared shapes of the fake API server: what tests pass in and get back.

/** A Kubernetes object as JSON; only metadata is typed because the fake reads little else. */
export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

/** Which listener a request came in on. */
export type ListenerKind = 'unix' | 'tcp' | 'tls';

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  /** Header names are lower-case, as node gives them. */
  headers: Record<string, string | string[] | undefined>;
  listener: ListenerKind;
  /** Subject of a verified TLS client certificate, e.g. `CN=alice, O=dev`. */
  clientCertSubject?: string;
}

interface FaultBase {
  /** Which requests it applies to; all when omitted. */
  match?: (req: RecordedRequest) => boolean;
  /** How many matching requests it hits before leaving the queue (default 1). */
  times?: number;
}

/** Destroy the socket: at once, or once `afterBytes` bytes of the body went out. */
export interface DropFault extends FaultBase {
  kind: 'drop';
  afterBytes?: number;
  /** End a TCP connection with an RST (connection reset by peer) instead of a FIN. */
  reset?: boolean;
}

/** Write bytes that are not HTTP on the raw connection, then close it. */
export interface GarbageFault extends FaultBase {
  kind: 'garbage';
  bytes?: string | Uint8Array;
}

/** Answer normally, but only after `delayMs`. */
export interface SlowFault extends FaultBase {
  kind: 'slow';
  delayMs: number;
}

/** Answer this instead: an object body is sent as JSON, a string as text/plain. */
export interface StatusFault extends FaultBase {
  kind: 'status';
  code: number;
  body?: string | object;
  contentType?: string;
  headers?: Record<string, string>;
}

/**
 * A slow-loris peer: the response goes out one byte every `intervalMs`, from
 * its status line (`headers`), or from its body after whole headers (`body`).
 * It never finishes before the client gives up or the server closes.
 */
export interface TrickleFault extends FaultBase {
  kind: 'trickle';
  stage: 'headers' | 'body';
  intervalMs: number;
}

/** Answer 200 with a valid JSON list of one pod whose annotation makes the body `bytes` long. */
export interface HugeFault extends FaultBase {
  kind: 'huge';
  bytes: number;
}

export type Fault = DropFault | GarbageFault | SlowFault | StatusFault | TrickleFault | HugeFault;

/** The fields of version.Info a 1.32 server sends. */
export interface VersionInfo {
  major: string;
  minor: string;
  emulationMajor?: string;
  emulationMinor?: string;
  minCompatibilityMajor?: string;
  minCompatibilityMinor?: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export interface TlsOptions {
  cert: string;
  key: string;
  /** CA that verifies client certificates; without it, client certs are not asked for. */
  ca?: string;
}

export interface FakeApiServerOptions {
  /** Listen on this unix socket path (a stale file there is removed first). */
  unixSocket?: string;
  /** Listen on plain HTTP at 127.0.0.1 on a free port. */
  tcp?: boolean;
  /** Listen on HTTPS at 127.0.0.1 on a free port. */
  tls?: TlsOptions;
  /** Bearer token the TLS listener requires (a verified client cert also passes). */
  token?: string;
  version?: Partial<VersionInfo>;
}

/** One log line of a container; `time` is when the runtime saw it. */
export interface LogLine {
  time: Date;
  text: string;
}

export interface LogTarget {
  namespace: string;
  pod: string;
  container: string;
}

export interface FakeApiServer {
  unixUrl?: string;
  httpUrl?: string;
  httpsUrl?: string;
  /** Every request, in arrival order, before faults or auth. */
  requests: RecordedRequest[];
  /** Pending faults; the first one whose match accepts a request hits it. */
  faults: Fault[];
  /** Stores an object (defaults filled in) and tells watchers; returns the stored copy. */
  addObject(obj: K8sObject): K8sObject;
  updateObject(obj: K8sObject): K8sObject;
  /** Removes an object; `resource` is a plural (`pods`) or a kind (`Pod`). */
  deleteObject(resource: string, namespace: string | undefined, name: string): K8sObject | undefined;
  getObject(resource: string, namespace: string | undefined, name: string): K8sObject | undefined;
  /** Replaces a container's log; `previous` is the last terminated instance's log. */
  setLogs(namespace: string, pod: string, container: string, lines: ReadonlyArray<string | LogLine>, opts?: { previous?: boolean }): void;
  /** Adds lines to a container's log and to any following stream. */
  appendLogs(namespace: string, pod: string, container: string, lines: ReadonlyArray<string | LogLine>): void;
  /** Forgets watch history up to now, so older resourceVersions get 410 Expired. */
  compact(): void;
  /** Stops listening and ends open streams; `abrupt` cuts them instead, as a crashed server does. */
  close(opts?: { abrupt?: boolean }): Promise<void>;
}
