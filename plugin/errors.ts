/**
 * The error family of kubectl-sock. Every failure that reaches the user is
 * one of these, printed by formatError() in kubectl's wording
 * (kubectl pkg/cmd/util/helpers.go checkErr / StandardErrorMessage).
 */

/** Base class: a stable code and the process exit code. */
export class SockError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode = 1) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** A bad flag or argument. `command` names the verb for kubectl's "See … -h" line. */
export class UsageError extends SockError {
  readonly command: string | undefined;
  /** kubectl's flag errors (pflag) say "See '… --help' for usage." instead of "-h … examples". */
  readonly flagError: boolean;
  constructor(message: string, command?: string, flagError = false) {
    super('E_USAGE', message);
    this.command = command;
    this.flagError = flagError;
  }
}

/**
 * A kubeconfig, flag combination or server address that cannot be used.
 * `invalidConfiguration` marks client-go's ErrConfigurationInvalid, which
 * kubectl prints as "Error in configuration: …" with no "error: " prefix.
 */
export class ConfigError extends SockError {
  readonly invalidConfiguration: boolean;
  constructor(message: string, invalidConfiguration = false) {
    super('E_CONFIG', message);
    this.invalidConfiguration = invalidConfiguration;
  }
}

/**
 * A server address kubectl-sock cannot use (its own forms: unix://, tcp://, a
 * bare path). kubectl has no words for these, so they are always kubectl-sock's.
 */
export class AddressError extends ConfigError {}

/**
 * What kubectl's plugin handler refuses before any command runs (`kubectl -A get
 * pods`); kubectl prints it as cobra does, "Error: …" (cmd.go).
 */
export class PluginHandlerError extends SockError {
  constructor(message: string) {
    super('E_PLUGIN_HANDLER', message);
  }
}

/** A metav1.Status (or a non-Status error body) returned by the server. */
export class ApiError extends SockError {
  readonly status: number;
  readonly reason: string;
  readonly body: unknown;
  constructor(status: number, reason: string, message: string, body?: unknown) {
    super('E_API', message);
    this.status = status;
    this.reason = reason;
    this.body = body;
  }
}

/** Failure kinds for connections, named after what the user should fix. */
export type ConnectFailure =
  | 'refused'
  | 'socket-missing'
  | 'socket-stale'
  | 'socket-denied'
  | 'not-http'
  | 'timeout'
  | 'tls'
  | 'other';

/**
 * A transport failure, as client-go's *url.Error: `detail` is Go's wording of
 * the cause ("dial unix /x.sock: connect: no such file or directory").
 */
export class ConnectError extends SockError {
  readonly failure: ConnectFailure;
  /** host:port, or the socket address, as kubectl names the server. */
  readonly server: string;
  readonly detail: string;
  readonly hint: string | undefined;
  constructor(failure: ConnectFailure, server: string, detail: string, hint?: string) {
    super('E_CONNECT', detail);
    this.failure = failure;
    this.server = server;
    this.detail = detail;
    this.hint = hint;
  }
}

/**
 * An answer that is not JSON. `syntax` is Go's encoding/json error for it
 * ("unexpected end of JSON input"); the message is client-go's REST decoder's
 * (runtime.Decode into a typed object, as logs' pod lookup reads it). Readers
 * that unmarshal the body themselves word it their own way (reworded()):
 * cli-runtime's unstructured decoder (get) and aggregated discovery say the
 * syntax error alone, discovery's ServerVersion "unable to parse the server version: …".
 */
export class JsonSyntaxError extends SockError {
  readonly syntax: string;
  constructor(syntax: string, message = `couldn't get version/kind; json parse error: ${syntax}`) {
    super('E_DECODE', message);
    this.syntax = syntax;
  }

  /** `err` worded by `word` when it is a JSON syntax error; any other error as it is. */
  static reworded(err: unknown, word: (syntax: string) => string = (syntax) => syntax): unknown {
    return err instanceof JsonSyntaxError ? new JsonSyntaxError(err.syntax, word(err.syntax)) : err;
  }
}

/** A child process's exit status, passed through unchanged (kubectl's utilexec.ExitError). */
export class ExitError extends SockError {
  constructor(exitCode: number) {
    super('E_EXIT', `exit status ${exitCode}`, exitCode);
  }
}

/**
 * The command was ended by SIGINT/SIGTERM (ctx.signal aborted with the signal's
 * name as reason): nothing to print; 130/143 as a shell reports a signal death.
 */
export class InterruptedError extends SockError {
  /** `exitCode`: 1 under kubectl's interrupt handler (see cli/interrupt.ts). */
  constructor(signal: unknown, exitCode = signal === 'SIGTERM' ? 143 : 130) {
    super('E_INTERRUPTED', '', exitCode);
  }
}

/** Printed already (for example by a command that writes its own lines); exit 1 silently. */
export class SilentError extends SockError {
  constructor(exitCode = 1) {
    super('E_SILENT', '', exitCode);
  }
}

/** The text kubectl prints for an error, without the trailing newline, and the exit code. */
export function formatError(err: unknown): { text: string; exitCode: number } {
  if (err instanceof SilentError || err instanceof ExitError || err instanceof InterruptedError) return { text: '', exitCode: err.exitCode };
  if (err instanceof UsageError) {
    const msg = prefixError(err.message);
    if (!err.command) return { text: msg, exitCode: 1 };
    const see = err.flagError
      ? `See '${err.command} --help' for usage.`
      : `See '${err.command} -h' for help and examples`;
    return { text: `${msg}\n${see}`, exitCode: 1 };
  }
  if (err instanceof ConfigError && err.invalidConfiguration) return { text: `Error in configuration: ${err.message}`, exitCode: 1 };
  if (err instanceof PluginHandlerError) return { text: `Error: ${err.message}`, exitCode: 1 };
  if (err instanceof ApiError) return { text: standardApiMessage(err), exitCode: 1 };
  if (err instanceof ConnectError) return { text: connectMessage(err), exitCode: 1 };
  if (err instanceof SockError) return { text: prefixError(err.message), exitCode: err.exitCode };
  const message = err instanceof Error ? err.message : String(err);
  return { text: prefixError(message), exitCode: 1 };
}

/** kubectl's StandardErrorMessage for an APIStatus. */
function standardApiMessage(err: ApiError): string {
  if (err.reason === 'Unauthorized') return `error: You must be logged in to the server (${err.message})`;
  if (err.reason) return `Error from server (${err.reason}): ${err.message}`;
  return `Error from server: ${err.message}`;
}

/** kubectl's StandardErrorMessage for a *url.Error, plus a hint where a socket is involved. */
function connectMessage(err: ConnectError): string {
  if (err.failure === 'refused') {
    return `The connection to the server ${err.server} was refused - did you specify the right host or port?`;
  }
  const text = `Unable to connect to the server: ${err.detail}`;
  return err.hint ? `${text} (${err.hint})` : text;
}

function prefixError(message: string): string {
  return message.startsWith('error: ') ? message : `error: ${message}`;
}
