// kubectl-sock's own fake Kubernetes API server, for tests that inject faults.
// A real kube-apiserver (test/control-plane) covers fidelity; this one covers failure.
export { startFakeApiServer, defaultVersion } from './fake-apiserver/server.ts';
export { humanDuration } from './fake-apiserver/duration.ts';
export { formatLogTime } from './fake-kubelet/container-logs.ts';
export { RESOURCES, type ResourceDef, type SubresourceDef } from './fake-apiserver/resources.ts';
export { genericStatus, type Status } from './fake-apiserver/status.ts';
export type {
  DropFault,
  FakeApiServer,
  FakeApiServerOptions,
  Fault,
  GarbageFault,
  HugeFault,
  K8sObject,
  ListenerKind,
  LogLine,
  ObjectMeta,
  RecordedRequest,
  SlowFault,
  StatusFault,
  TlsOptions,
  TrickleFault,
  VersionInfo,
} from './fake-apiserver/types.ts';
