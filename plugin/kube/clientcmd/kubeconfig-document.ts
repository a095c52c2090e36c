// The full YAML parser's reading of a kubeconfig file: for what the subset
// reader (kubeconfig-yaml.ts) leaves, and the one source of parse errors.
import { parseAllDocuments } from 'yaml';
import { ConfigError } from '../../errors.ts';

/**
 * go-yaml (sigs.k8s.io/yaml) reads YAML 1.1 (`yes`, `on`, `y` are booleans there
 * too) and only the first document of a stream; it refuses an unknown %directive.
 */
export function parseFirstDocument(path: string, text: string): unknown {
  let problem: string | undefined;
  try {
    const docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: false, prettyErrors: false, logLevel: 'silent' });
    const doc = Array.isArray(docs) ? docs[0] : undefined;
    problem = doc?.errors[0]?.message;
    if (!problem && doc?.warnings.some((w) => w.code === 'BAD_DIRECTIVE')) problem = 'found unknown directive name';
    if (!problem) return doc?.toJS() ?? {};
  } catch (err) {
    problem = (err as Error).message;
  }
  throw new ConfigError(`error loading config file "${path}": yaml: ${firstLine(problem)}`);
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
