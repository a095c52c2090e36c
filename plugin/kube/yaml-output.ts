import { goYamlMarshal } from './printers/yaml.ts';

/**
 * YAML as kubectl prints it (sigs.k8s.io/yaml: JSON, then go-yaml v2): keys
 * in go-yaml's order, sequences not indented under their key, strings that
 * YAML 1.1 would read as another type double-quoted, long lines folded at 80
 * columns. See printers/yaml.ts.
 */
export function toKubectlYaml(value: unknown): string {
  return goYamlMarshal(value);
}
