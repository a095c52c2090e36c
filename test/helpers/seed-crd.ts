// Custom types for the real control plane: server-side printing of a custom
// resource (additionalPrinterColumns of every type, one of them priority 1, so
// only `-o wide` shows it) and a cluster-scoped type with the default columns.
import { EPOCH, SHOP, TOOLS, type Manifest } from './seed-manifests.ts';

/** The API group of the custom types, and their names. */
export const CRD_GROUP = 'example.com';
export const WIDGETS = { plural: 'widgets', singular: 'widget', kind: 'Widget', shortName: 'wg', category: 'ksock' } as const;
export const GADGETS = { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' } as const;

const str = { type: 'string' };

/** Namespaced Widget with printer columns of every type, two of them priority 1. */
export function widgetCrd(): Manifest {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${WIDGETS.plural}.${CRD_GROUP}` },
    spec: {
      group: CRD_GROUP,
      scope: 'Namespaced',
      names: { plural: WIDGETS.plural, singular: WIDGETS.singular, kind: WIDGETS.kind, listKind: `${WIDGETS.kind}List`, shortNames: [WIDGETS.shortName], categories: [WIDGETS.category] },
      versions: [{
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: { color: str, size: { type: 'integer' }, enabled: { type: 'boolean' }, weight: { type: 'number' }, owner: str, since: { type: 'string', format: 'date-time' } },
              },
              status: { type: 'object', properties: { phase: str } },
            },
          },
        },
        additionalPrinterColumns: [
          { name: 'Color', type: 'string', jsonPath: '.spec.color', description: 'The colour' },
          { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
          { name: 'Enabled', type: 'boolean', jsonPath: '.spec.enabled' },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
          { name: 'Since', type: 'date', jsonPath: '.spec.since' },
          { name: 'Owner', type: 'string', jsonPath: '.spec.owner', priority: 1 },
          { name: 'Weight', type: 'number', jsonPath: '.spec.weight', priority: 1 },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
      }],
    },
  };
}

/** Cluster-scoped Gadget with no printer columns (the server prints NAME and AGE). */
export function gadgetCrd(): Manifest {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${GADGETS.plural}.${CRD_GROUP}` },
    spec: {
      group: CRD_GROUP,
      scope: 'Cluster',
      names: { plural: GADGETS.plural, singular: GADGETS.singular, kind: GADGETS.kind, listKind: `${GADGETS.kind}List` },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
}

/** Widgets (one with no spec fields, so its cells are empty) and gadgets. */
export const CUSTOM_OBJECTS: Array<{ path: string; body: Manifest; status?: Record<string, unknown> }> = [
  widget(SHOP, 'alpha', { color: 'red', size: 3, enabled: true, weight: 0.5, owner: 'alice', since: EPOCH }, 'Ready'),
  widget(SHOP, 'beta', { color: 'blue', size: 10, enabled: false, weight: 1.25, owner: 'bob', since: '2026-06-01T12:00:00Z' }, 'Pending'),
  widget(SHOP, 'gamma', {}),
  widget(TOOLS, 'delta', { color: 'green', size: 1, enabled: true, owner: 'carol' }),
  { path: `/apis/${CRD_GROUP}/v1/${GADGETS.plural}`, body: { apiVersion: `${CRD_GROUP}/v1`, kind: GADGETS.kind, metadata: { name: 'sprocket' }, spec: { teeth: 12 } } },
];

function widget(namespace: string, name: string, spec: Record<string, unknown>, phase?: string) {
  const body: Manifest = { apiVersion: `${CRD_GROUP}/v1`, kind: WIDGETS.kind, metadata: { name, namespace }, spec };
  const entry: { path: string; body: Manifest; status?: Record<string, unknown> } = { path: `/apis/${CRD_GROUP}/v1/namespaces/${namespace}/${WIDGETS.plural}`, body };
  if (phase !== undefined) entry.status = { status: { phase } };
  return entry;
}
