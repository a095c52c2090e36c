import { goQuote } from './printers/go-value.ts';

/**
 * A string value in a klog structured line (klog's text format, writeStringValue):
 * quoted as Go's strconv.Quote when it fits on one line; otherwise `<`, each line
 * after a tab, and ` >` on a line of its own.
 */
export function klogValue(s: string): string {
  if (!s.includes('\n')) return goQuote(s);
  const lines = s.split('\n');
  const last = lines.pop() as string;
  const body = lines.map((l) => `\t${l}\n`).join('');
  return last === '' ? `<\n${body} >` : `<\n${body}\t${last}\n >`;
}
