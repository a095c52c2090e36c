/** The resolved options of `kubectl sock get` (kubectl's GetOptions) and the seams run() uses. */
import type { ApiResource } from '../discovery/discovery.ts';

/** Everything run() needs, resolved from flags and the kubeconfig by complete(). */
export interface GetOptions {
  /** Positional arguments: TYPE[,TYPE…] [NAME…] or TYPE/NAME…. */
  args: string[];
  /** The request namespace (-n, the context's, or "default"). */
  namespace: string;
  allNamespaces: boolean;
  labelSelector: string;
  fieldSelector: string;
  /** --chunk-size; 0 disables paging. */
  chunkSize: number;
  /** -o as given ('' for the default table). */
  output: string;
  /** --template; with no -o it implies go-template. */
  template: string;
  allowMissingTemplateKeys: boolean;
  showManagedFields: boolean;
  noHeaders: boolean;
  showLabels: boolean;
  showKind: boolean;
  labelColumns: string[];
  sortBy: string;
  ignoreNotFound: boolean;
  raw: string;
  subresource: string;
  watch: boolean;
  watchOnly: boolean;
  outputWatchEvents: boolean;
  /** --server-print, forced off for json/yaml/custom-columns output as kubectl does. */
  serverPrint: boolean;
  /** No -o (or -o wide) and no --template: the table printer. */
  humanReadable: boolean;
  /** What kubectl-sock's name is in messages that quote the command ("kubectl sock get"). */
  commandPath: string;
}

/** Where one request of the plan goes: a collection (list) or one named object. */
export interface Visit {
  resource: ApiResource;
  /** '' for cluster-scoped types and for -A. */
  namespace: string;
  /** Set for TYPE NAME and TYPE/NAME. */
  name?: string;
  subresource?: string;
}

/** What the builder made of the arguments (cli-runtime resource.Builder's visitor result). */
export interface Plan {
  visits: Visit[];
  /** One name, or one TYPE/NAME: -o json prints that object, not a List. */
  singleItemImplied: boolean;
}
