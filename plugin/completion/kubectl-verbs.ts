/**
 * kubectl's verbs that kubectl sock passes to the real kubectl through its
 * relay, with kubectl 1.33's own one-liners, offered beside the native
 * commands. Left out: what kubectl sock implements itself, and kubectl's
 * local-only commands (config, plugin, kustomize), which have no use for the relay.
 */
export const PASSTHROUGH_VERBS: readonly { name: string; short: string }[] = [
  { name: 'annotate', short: 'Update the annotations on a resource' },
  { name: 'api-resources', short: 'Print the supported API resources on the server' },
  { name: 'api-versions', short: 'Print the supported API versions on the server, in the form of "group/version"' },
  { name: 'apply', short: 'Apply a configuration to a resource by file name or stdin' },
  { name: 'attach', short: 'Attach to a running container' },
  { name: 'auth', short: 'Inspect authorization' },
  { name: 'autoscale', short: 'Auto-scale a deployment, replica set, stateful set, or replication controller' },
  { name: 'certificate', short: 'Modify certificate resources' },
  { name: 'cluster-info', short: 'Display cluster information' },
  { name: 'cordon', short: 'Mark node as unschedulable' },
  { name: 'cp', short: 'Copy files and directories to and from containers' },
  { name: 'create', short: 'Create a resource from a file or from stdin' },
  { name: 'debug', short: 'Create debugging sessions for troubleshooting workloads and nodes' },
  { name: 'delete', short: 'Delete resources by file names, stdin, resources and names, or by resources and label selector' },
  { name: 'describe', short: 'Show details of a specific resource or group of resources' },
  { name: 'diff', short: 'Diff the live version against a would-be applied version' },
  { name: 'drain', short: 'Drain node in preparation for maintenance' },
  { name: 'edit', short: 'Edit a resource on the server' },
  { name: 'events', short: 'List events' },
  { name: 'exec', short: 'Execute a command in a container' },
  { name: 'explain', short: 'Get documentation for a resource' },
  { name: 'expose', short: 'Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service' },
  { name: 'label', short: 'Update the labels on a resource' },
  { name: 'patch', short: 'Update fields of a resource' },
  { name: 'port-forward', short: 'Forward one or more local ports to a pod' },
  { name: 'replace', short: 'Replace a resource by file name or stdin' },
  { name: 'rollout', short: 'Manage the rollout of a resource' },
  { name: 'run', short: 'Run a particular image on the cluster' },
  { name: 'scale', short: 'Set a new size for a deployment, replica set, or replication controller' },
  { name: 'set', short: 'Set specific features on objects' },
  { name: 'taint', short: 'Update the taints on one or more nodes' },
  { name: 'top', short: 'Display resource (CPU/memory) usage' },
  { name: 'uncordon', short: 'Mark node as schedulable' },
  { name: 'wait', short: 'Experimental: Wait for a specific condition on one or many resources' },
];
