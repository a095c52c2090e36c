import { stringify } from 'yaml';

/**
 * YAML as kubectl prints it (sigs.k8s.io/yaml: JSON, then go-yaml v2): keys
 * sorted, sequences not indented under their key, strings that YAML 1.1 would
 * read as another type double-quoted.
 */
export function toKubectlYaml(value: unknown): string {
  return stringify(value, {
    version: '1.1',
    sortMapEntries: true,
    indentSeq: false,
    lineWidth: 0,
    defaultStringType: 'PLAIN',
    defaultKeyType: 'PLAIN',
    doubleQuotedMinMultiLineLength: Infinity,
  });
}
