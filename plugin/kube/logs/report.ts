// How logs' errors reach the user beyond the shared formatter: kubectl's
// wording for an Invalid status, and the hint kubectl never gives when the API
// server could not verify a kubelet's certificate.
import { ApiError, formatError } from '../../errors.ts';

/** Printed once, after kubectl's own error line. */
export const BACKEND_TLS_HINT =
  "hint: the API server could not verify the kubelet's serving certificate; --insecure-skip-tls-verify-backend skips that check for this request, at the risk that log content from an impostor kubelet is shown as genuine";

/**
 * A 500 without a reason whose message has Go's `x509:` in it: the API server
 * failed to verify the kubelet it fetched the logs from (apiserver's
 * LocationStreamer counts exactly these as pod_logs_backend_tls_failure).
 */
export function isBackendTlsError(err: unknown): boolean {
  return err instanceof ApiError && err.status === 500 && err.reason === '' && err.message.includes('x509:');
}

interface StatusDetails {
  kind?: string;
  name?: string;
  causes?: Array<{ field?: string; message?: string }>;
}

/**
 * kubectl's checkErr for apierrors.IsInvalid: `The KIND "NAME" is invalid: field: message`,
 * one cause inline, several as `* …` lines (cmdutil MultilineError).
 */
export function invalidMessage(err: ApiError): string | undefined {
  if (err.reason !== 'Invalid') return undefined;
  const details = (err.body as { details?: StatusDetails } | undefined)?.details;
  if (!details) return 'The request is invalid';
  const lead = details.kind || details.name ? `The ${details.kind ?? ''} ${JSON.stringify(details.name ?? '')} is invalid` : 'The request is invalid';
  const causes = [...new Set((details.causes ?? []).map((c) => `${c.field ?? ''}: ${c.message ?? ''}`))];
  if (causes.length === 0) return lead;
  if (causes.length === 1) return `${lead}: ${causes[0]}`;
  return `${lead}: \n${causes.map((c) => `* ${c}`).join('\n')}`;
}

/**
 * The text to print for an error of `logs`, when it differs from the shared
 * formatter's: kubectl's Invalid wording, or kubectl's line plus the hint.
 * Undefined leaves the error to the formatter.
 */
export function logsErrorText(err: unknown, skipVerifyGiven: boolean): string | undefined {
  if (err instanceof ApiError) {
    const invalid = invalidMessage(err);
    if (invalid !== undefined) return invalid;
  }
  if (isBackendTlsError(err) && !skipVerifyGiven) return `${formatError(err).text}\n${BACKEND_TLS_HINT}`;
  return undefined;
}
