import type { Ctx } from '../context.ts';
import { SockError, UsageError } from '../errors.ts';
import { flagBool, flagGiven, flagInt, flagList, flagString, type CommandSpec, type Invocation } from '../cli/command.ts';
import type { FlagDef } from '../cli/flags.ts';
import { newFactory, type Factory } from './factory.ts';
import type { GetOptions } from '../kube/get/options.ts';
import { parseRequestUriError } from '../kube/get/request-uri.ts';

const COMMAND = 'kubectl sock get';

/**
 * complete (kubectl GetOptions.Complete): flags to options, the namespace
 * from the kubeconfig, and kubectl's complaints that need no server.
 */
export async function completeGet(ctx: Ctx, inv: Invocation, f: Factory): Promise<GetOptions> {
  const o = optionsFromFlags(inv);
  if (o.raw) {
    if (o.args.length > 0) throw new SockError('E_GET_ARGS', 'arguments may not be passed when --raw is specified');
    return o;
  }
  o.namespace = (await f.restConfig()).namespace;
  const output = o.output;
  // kubectl get.go: no server-side printing for these formats.
  if (output.includes('custom-columns') || output === 'yaml' || output.includes('json')) o.serverPrint = false;
  o.humanReadable = (output === '' && o.template === '') || output === 'wide';
  if (o.watch) {
    if (o.sortBy) ctx.streams.errOut.write('warning: --watch requested, --sort-by will be ignored for watch events received\n');
  } else if (o.watchOnly) {
    if (o.sortBy) ctx.streams.errOut.write('warning: --watch-only requested, --sort-by will be ignored\n');
  } else if (o.args.length === 0) {
    ctx.streams.errOut.write('You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\n');
    throw new UsageError(
      'Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).',
      COMMAND,
    );
  }
  return o;
}

/** Flags of kubectl get that kubectl-sock's own get does not implement: kubectl runs those through the relay. */
const DELEGATED = ['filename', 'kustomize', 'recursive'];

function optionsFromFlags(inv: Invocation): GetOptions {
  for (const name of DELEGATED) {
    if (flagGiven(inv, name)) throw new SockError('E_UNSUPPORTED', `--${name} is not supported by kubectl sock get; use kubectl get --${name} with kubectl sock proxy`);
  }
  return {
    args: inv.args,
    namespace: '',
    allNamespaces: flagBool(inv, 'all-namespaces'),
    labelSelector: flagString(inv, 'selector'),
    fieldSelector: flagString(inv, 'field-selector'),
    chunkSize: flagInt(inv, 'chunk-size', 500),
    output: flagString(inv, 'output'),
    template: flagString(inv, 'template'),
    allowMissingTemplateKeys: flagBool(inv, 'allow-missing-template-keys', true),
    showManagedFields: flagBool(inv, 'show-managed-fields'),
    noHeaders: flagBool(inv, 'no-headers'),
    showLabels: flagBool(inv, 'show-labels'),
    showKind: flagBool(inv, 'show-kind'),
    labelColumns: flagList(inv, 'label-columns'),
    sortBy: flagString(inv, 'sort-by'),
    ignoreNotFound: flagBool(inv, 'ignore-not-found'),
    raw: flagString(inv, 'raw'),
    subresource: flagString(inv, 'subresource'),
    watch: flagBool(inv, 'watch'),
    watchOnly: flagBool(inv, 'watch-only'),
    outputWatchEvents: flagBool(inv, 'output-watch-events'),
    serverPrint: flagBool(inv, 'server-print', true),
    humanReadable: false,
    commandPath: COMMAND,
  };
}

/** validate (kubectl GetOptions.Validate): flag combinations kubectl refuses. Pure. */
export function validateGet(o: GetOptions): void {
  if (o.raw) {
    if (o.watch || o.watchOnly || o.labelSelector) {
      throw new UsageError('--raw may not be specified with other flags that filter the server request or alter the output');
    }
    if (o.output) throw new UsageError('--raw and --output are mutually exclusive');
    const bad = parseRequestUriError(o.raw);
    if (bad) throw new UsageError(`--raw must be a valid URL path: ${bad}`);
  }
  if (o.showLabels && o.output !== '' && o.output !== 'wide') {
    throw new UsageError(`--show-labels option cannot be used with ${o.output} printer`);
  }
  if (o.outputWatchEvents && !(o.watch || o.watchOnly)) {
    throw new UsageError('--output-watch-events option can only be used with --watch or --watch-only');
  }
}

const flags: FlagDef[] = [
  { name: 'all-namespaces', short: 'A', kind: 'bool', usage: 'If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.' },
  { name: 'allow-missing-template-keys', kind: 'bool', defValue: 'true', usage: 'If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.' },
  { name: 'chunk-size', kind: 'int', defValue: '500', usage: 'Return large lists in chunks rather than all at once. Pass 0 to disable. This flag is beta and may change in the future.' },
  { name: 'field-selector', kind: 'string', usage: "Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type." },
  { name: 'filename', short: 'f', kind: 'stringSlice', hidden: true, usage: 'Run by kubectl, through the relay.' },
  { name: 'ignore-not-found', kind: 'bool', usage: 'If the requested object does not exist the command will return exit code 0.' },
  { name: 'kustomize', short: 'k', kind: 'string', hidden: true, usage: 'Run by kubectl, through the relay.' },
  { name: 'label-columns', short: 'L', kind: 'stringSlice', usage: 'Accepts a comma separated list of labels that are going to be presented as columns. Names are case-sensitive. You can also use multiple flag options like -L label1 -L label2...' },
  { name: 'no-headers', kind: 'bool', usage: "When using the default or custom-column output format, don't print headers (default print headers)." },
  { name: 'output', short: 'o', kind: 'string', usage: 'Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file, custom-columns, custom-columns-file, wide). See custom columns [https://kubernetes.io/docs/reference/kubectl/#custom-columns], golang template [http://golang.org/pkg/text/template/#pkg-overview] and jsonpath template [https://kubernetes.io/docs/reference/kubectl/jsonpath/].' },
  { name: 'output-watch-events', kind: 'bool', usage: 'Output watch event objects when --watch or --watch-only is used. Existing objects are output as initial ADDED events.' },
  { name: 'raw', kind: 'string', usage: 'Raw URI to request from the server.  Uses the transport specified by the kubeconfig file.' },
  { name: 'recursive', short: 'R', kind: 'bool', hidden: true, usage: 'Run by kubectl, through the relay.' },
  { name: 'selector', short: 'l', kind: 'string', usage: "Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.(e.g. -l key1=value1,key2=value2,key3 in (value3)). Matching objects must satisfy all of the specified label constraints." },
  { name: 'server-print', kind: 'bool', defValue: 'true', usage: 'If true, have the server return the appropriate table output. Supports extension APIs and CRDs.' },
  { name: 'show-kind', kind: 'bool', usage: 'If present, list the resource type for the requested object(s).' },
  { name: 'show-labels', kind: 'bool', usage: 'When printing, show all labels as the last column (default hide labels column)' },
  { name: 'show-managed-fields', kind: 'bool', usage: 'If true, keep the managedFields when printing objects in JSON or YAML format.' },
  { name: 'sort-by', kind: 'string', usage: "If non-empty, sort list types using this field specification.  The field specification is expressed as a JSONPath expression (e.g. '{.metadata.name}'). The field in the API resource specified by this JSONPath expression must be an integer or a string." },
  { name: 'subresource', kind: 'string', usage: 'If specified, gets the subresource of the requested object.' },
  { name: 'template', kind: 'string', usage: 'Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].' },
  { name: 'watch', short: 'w', kind: 'bool', usage: 'After listing/getting the requested object, watch for changes.' },
  { name: 'watch-only', kind: 'bool', usage: 'Watch for changes to the requested object(s), without listing/getting first.' },
];

const examples = [
  ['List all pods in ps output format', 'kubectl sock get pods'],
  ['List all pods in ps output format with more information (such as node name)', 'kubectl sock get pods -o wide'],
  ['List deployments in JSON output format, in the "v1" version of the "apps" API group', 'kubectl sock get deployments.v1.apps -o json'],
  ['List a single pod in JSON output format', 'kubectl sock get -o json pod web-pod-13je7'],
  ['Return only the phase value of the specified pod', 'kubectl sock get -o template pod/web-pod-13je7 --template={{.status.phase}}'],
  ['List resource information in custom columns', 'kubectl sock get pod test-pod -o custom-columns=CONTAINER:.spec.containers[0].name,IMAGE:.spec.containers[0].image'],
  ['List all replication controllers and services together in ps output format', 'kubectl sock get rc,services'],
  ['List one or more resources by their type and names', 'kubectl sock get rc/web service/frontend pods/web-pod-13je7'],
  ['List the \'status\' subresource for a single pod', 'kubectl sock get pod web-pod-13je7 --subresource status'],
  ['List all pods existing in all namespaces', 'kubectl sock get pods --all-namespaces'],
  ['Watch pods; a dropped connection resumes where it stopped', 'kubectl sock get pods -w'],
].map(([what, cmd]) => `  # ${what}\n  ${cmd}`).join('\n  \n');

/** `kubectl sock get`: kubectl get's flags, help and messages, over any transport. */
export const getCommand: CommandSpec = {
  name: 'get',
  short: 'Display one or many resources',
  long: `Display one or many resources.

 Prints a table of the most important information about the specified resources. You can filter the list using a label selector and the --selector flag. If the desired resource type is namespaced you will only see results in the current namespace if you don't specify any namespace.

 By specifying the output as 'template' and providing a Go template as the value of the --template flag, you can filter the attributes of the fetched resources.

Use "kubectl api-resources" for a complete list of supported resources.`,
  examples,
  // `get -f FILE` / `-k DIR` (kubectl's resource builder reading files): the real kubectl through the relay.
  delegate: (p) => DELEGATED.some((name) => p.values.has(name)),
  usage: 'get [(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file|custom-columns|custom-columns-file|wide] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags] [options]',
  flags,
  async run(ctx, inv) {
    const f = newFactory(ctx, inv);
    try {
      const o = await completeGet(ctx, inv, f);
      validateGet(o);
      const { runGet } = await import('../kube/get/run.ts');
      return await runGet(ctx, f, o);
    } finally {
      await f.close();
    }
  },
};
