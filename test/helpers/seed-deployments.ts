// Deployments in a given rollout state on a real API server. No
// controller-manager runs, so the status a deployment controller would write
// goes in through the status subresource: observedGeneration equal to
// generation 1 and every replica updated and available is what `rollout
// status` reads as a finished rollout; 0 ready is one still in progress.
import type { ControlPlane } from './control-plane.ts';

const MERGE_PATCH = 'application/merge-patch+json';

/** Creates each [name, ready replicas of 2] deployment in `ns`, its status as a controller would write it. */
export async function createDeployments(c: ControlPlane, ns: string, deployments: ReadonlyArray<readonly [string, number]>): Promise<void> {
  for (const [name, ready] of deployments) {
    await c.json('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
      spec: {
        replicas: 2, selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'example.invalid/app:1' }] } },
      },
    });
    const status = { observedGeneration: 1, replicas: 2, updatedReplicas: ready, readyReplicas: ready, availableReplicas: ready };
    await c.json('PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/${name}/status`, { status }, MERGE_PATCH);
  }
}
