import { readFileSync } from 'node:fs';

/**
 * Go's mime.TypeByExtension as net/http's FileServer uses it: its built-in
 * table first, then the system's shared-mime-info globs2 (or, without one,
 * the mime.types files), text/* types given charset=utf-8.
 */
const BUILTIN: Record<string, string> = {
  '.avif': 'image/avif', '.css': 'text/css; charset=utf-8', '.gif': 'image/gif', '.htm': 'text/html; charset=utf-8',
  '.html': 'text/html; charset=utf-8', '.jpeg': 'image/jpeg', '.jpg': 'image/jpeg', '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.mjs': 'text/javascript; charset=utf-8', '.pdf': 'application/pdf', '.png': 'image/png',
  '.svg': 'image/svg+xml', '.wasm': 'application/wasm', '.webp': 'image/webp', '.xml': 'text/xml; charset=utf-8',
};

const GLOBS = ['/usr/local/share/mime/globs2', '/usr/share/mime/globs2'];
const TYPE_FILES = ['/etc/mime.types', '/etc/apache2/mime.types', '/etc/apache/mime.types', '/etc/httpd/conf/mime.types'];

let table: Map<string, string> | undefined;

function withCharset(type: string): string {
  return type.startsWith('text/') && !/;\s*charset=/i.test(type) ? `${type}; charset=utf-8` : type;
}

function load(): Map<string, string> {
  const t = new Map(Object.entries(BUILTIN));
  for (const file of GLOBS) {
    const text = readOr(file);
    if (text === undefined) continue;
    // weight:type:glob — in weight order, the first entry for an extension wins; the built-ins before all.
    for (const line of text.split('\n')) {
      const f = line.split(':');
      const glob = f[2] ?? '';
      if (f.length < 3 || (f[0] ?? '') === '' || f[0]?.startsWith('#') || glob.length < 3 || !glob.startsWith('*.')) continue;
      const ext = glob.slice(1);
      if (/[?*[]/.test(ext) || t.has(ext)) continue;
      t.set(ext, withCharset(f[1] as string));
    }
    return t;
  }
  for (const file of TYPE_FILES) {
    for (const line of (readOr(file) ?? '').split('\n')) {
      const [type, ...exts] = line.replace(/#.*/, '').trim().split(/\s+/);
      if (!type) continue;
      for (const e of exts) t.set(`.${e}`, withCharset(type));
    }
  }
  return t;
}

function readOr(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The type for a file name's extension, or '' (Go: exact case first, then lower case). */
export function typeByExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return '';
  const ext = name.slice(dot);
  table ??= load();
  return table.get(ext) ?? table.get(ext.toLowerCase()) ?? '';
}

/** Go's http.DetectContentType, for the signatures a served file commonly has. */
export function detectContentType(head: Buffer): string {
  const data = head.subarray(0, 512);
  const start = data.findIndex((b) => !(b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d || b === 0x20));
  const lead = start < 0 ? '' : data.subarray(start, start + 16).toString('latin1').toUpperCase();
  const html = ['<!DOCTYPE HTML', '<HTML', '<HEAD', '<SCRIPT', '<IFRAME', '<H1', '<DIV', '<FONT', '<TABLE', '<A', '<STYLE', '<TITLE', '<B', '<BODY', '<BR', '<P', '<!--'];
  for (const sig of html) {
    const next = lead.charCodeAt(sig.length);
    if (lead.startsWith(sig) && (next === 0x20 || next === 0x3e)) return 'text/html; charset=utf-8';
  }
  if (lead.startsWith('<?XML')) return 'text/xml; charset=utf-8';
  const raw = data.toString('latin1');
  const magic: Array<[string, string]> = [
    ['%PDF-', 'application/pdf'], ['%!PS-Adobe-', 'application/postscript'], ['GIF87a', 'image/gif'], ['GIF89a', 'image/gif'],
    ['\x89PNG\r\n\x1a\n', 'image/png'], ['\xff\xd8\xff', 'image/jpeg'], ['BM', 'image/bmp'], ['PK\x03\x04', 'application/zip'],
    ['\x1f\x8b\x08', 'application/x-gzip'], ['\xfe\xff', 'text/plain; charset=utf-16be'], ['\xff\xfe', 'text/plain; charset=utf-16le'],
    ['\xef\xbb\xbf', 'text/plain; charset=utf-8'],
  ];
  for (const [sig, type] of magic) if (raw.startsWith(sig)) return type;
  if (raw.startsWith('RIFF') && raw.slice(8, 14) === 'WEBPVP') return 'image/webp';
  // Go's textSig: no binary control byte at all.
  const binary = data.some((b) => b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f));
  return binary ? 'application/octet-stream' : 'text/plain; charset=utf-8';
}
