import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';

/** A small fluent builder for kubeconfig files in tests. */
export class KubeconfigBuilder {
  private doc: { apiVersion: string; kind: string; clusters: unknown[]; users: unknown[]; contexts: unknown[]; 'current-context'?: string } =
    { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [] };
  cluster(name: string, cluster: Record<string, unknown>): this {
    this.doc.clusters.push({ name, cluster });
    return this;
  }
  user(name: string, user: Record<string, unknown>): this {
    this.doc.users.push({ name, user });
    return this;
  }
  context(name: string, context: Record<string, unknown>): this {
    this.doc.contexts.push({ name, context });
    return this;
  }
  current(name: string): this {
    this.doc['current-context'] = name;
    return this;
  }
  yaml(): string {
    return stringify(this.doc);
  }
  /** Writes the file (creating folders) and returns its path. */
  write(path: string): string {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, this.yaml());
    return path;
  }
}

export function kc(): KubeconfigBuilder {
  return new KubeconfigBuilder();
}

const madeDirs: string[] = [];
let cleanupHooked = false;

/** A fresh folder under the system temp dir, removed when the test process exits. */
export function tempDir(prefix = 'ksock-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  madeDirs.push(dir);
  if (!cleanupHooked) {
    cleanupHooked = true;
    process.on('exit', () => {
      for (const d of madeDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}
