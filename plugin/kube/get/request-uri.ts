/**
 * Go's url.ParseRequestURI as kubectl's --raw validation uses it: an absolute
 * path or an absolute URI; returns Go's error text, or undefined when it
 * parses. (No imports: the command module loads it before any network code.)
 */
export function parseRequestUriError(raw: string): string | undefined {
  const quoted = JSON.stringify(raw);
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) return `parse ${quoted}: net/url: invalid control character in URL`;
  const bad = /%(?![0-9a-fA-F]{2})(.{0,2})/.exec(raw);
  if (bad) return `parse ${quoted}: invalid URL escape ${JSON.stringify(`%${bad[1]}`)}`;
  if (raw.startsWith('/') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(raw)) return undefined;
  return `parse ${quoted}: invalid URI for request`;
}
