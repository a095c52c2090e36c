import type { RestConfig } from '../kube/clientcmd/client-config.ts';
import type { AdmissionRules } from '../relay/admission.ts';

/**
 * What the passthrough relay admits and where it sends it: every path, only
 * with its bearer token, and behind the server URL's own path
 * (https://host/k8s/clusters/c-x, kubectl proxy --api-prefix), which client-go
 * puts before every request it makes.
 */
export function passthroughRules(config: RestConfig, token: string): AdmissionRules {
  const serverPath = config.address.transport === 'tcp' ? config.address.basePath : '';
  return { apiPrefix: '/', filter: undefined, readOnly: false, serverPath, bearerToken: token };
}
