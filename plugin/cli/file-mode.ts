/** An octal permission mode as `chmod` takes it: 600, 0600, 0o600. NaN when it is not one. */
export function parseFileMode(text: string): number {
  const m = /^(?:0o?)?([0-7]{3})$/.exec(text);
  return m ? Number.parseInt(m[1] as string, 8) : Number.NaN;
}

/** A mode as `ls`-minded people write it: four octal digits (0600). */
export function formatFileMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
