/**
 * kubectl's interrupt handler (kubectl/pkg/util/interrupt): a running watch
 * (`get -w`) and the reading of logs run under it, and a SIGINT or SIGTERM there
 * ends kubectl with exit status 1 (its os.Exit(1)), where anywhere else
 * kubectl dies of the signal (130 or 143 to a shell). Measured with kubectl 1.33.
 */
const underHandler = new WeakSet<AbortSignal>();

/** From here on, the command's signal ends it as kubectl's interrupt handler does. */
export function enterInterruptHandler(signal: AbortSignal): void {
  underHandler.add(signal);
}

/** The exit status for a command ended by its signal. */
export function interruptedStatus(signal: AbortSignal): number {
  if (underHandler.has(signal)) return 1;
  return signal.reason === 'SIGTERM' ? 143 : 130;
}
