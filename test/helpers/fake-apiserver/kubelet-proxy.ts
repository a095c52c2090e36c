// pods/log for a pod whose node points at a kubelet (status.daemonEndpoints):
// the fake API server fetches the log over HTTPS as kube-apiserver's
// LocationStreamer does, verifying the kubelet's certificate against the
// kubelet CA unless insecureSkipTLSVerifyBackend=true, and failing as the real
// server does: HTTP 500, no reason, message = Go's *url.Error text.
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { checkServerIdentity, connect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { apiHeaders, badRequest, failure, sendJson, sendStatus, type Status } from './status.ts';
import type { K8sObject, LogTarget } from './types.ts';

export interface KubeletClientConfig {
  /** kube-apiserver's --kubelet-certificate-authority (PEM). Without it nothing is verified (kubelet_client.go: no CA → TLS.Insecure). */
  ca?: string;
}

let clientConfig: KubeletClientConfig = {};

/**
 * Sets how every fake API server in this process talks to kubelets, as
 * kube-apiserver's --kubelet-* flags do for a real one. Process-wide because
 * FakeApiServerOptions has no field for it.
 */
export function configureKubeletClient(config: KubeletClientConfig): void {
  clientConfig = { ...config };
}

export interface KubeletEndpoint {
  host: string;
  port: number;
}

/** Address preference of kube-apiserver's default --kubelet-preferred-address-types. */
const ADDRESS_TYPES = ['Hostname', 'InternalDNS', 'InternalIP', 'ExternalDNS', 'ExternalIP'];

interface NodeShape {
  status?: { addresses?: Array<{ type: string; address: string }>; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
}

/** A node that names a kubelet port (NodeConnectionInfoGetter); other nodes keep the fake's in-memory logs. */
export function kubeletEndpoint(node: K8sObject | undefined): KubeletEndpoint | undefined {
  const status = (node as NodeShape | undefined)?.status;
  const port = status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 0;
  if (port <= 0) return undefined;
  const addresses = status?.addresses ?? [];
  for (const type of ADDRESS_TYPES) {
    const hit = addresses.find((a) => a.type === type);
    if (hit) return { host: hit.address, port };
  }
  return undefined;
}

export interface KubeletLogRequest {
  target: LogTarget;
  /** The kubelet's query, encoded as url.Values.Encode does (sorted keys). */
  query: Record<string, string | undefined>;
  insecureSkipTLSVerifyBackend: boolean;
  follow: boolean;
}

function encodeQuery(q: Record<string, string | undefined>): string {
  const keys = Object.keys(q).filter((k) => q[k] !== undefined).sort();
  const s = keys.map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(q[k] as string)}`).join('&');
  return s === '' ? '' : `?${s}`;
}

/** Go's time.RFC3339 in UTC, as the apiserver's TZ=UTC process prints times. */
function goTime(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** crypto/x509's wording for what OpenSSL found wrong (Go checks validity first, then the chain, then the name). */
function x509Message(sock: TLSSocket, host: string): string | undefined {
  const cert = sock.getPeerCertificate() as PeerCertificate;
  const code = String(sock.authorizationError ?? '');
  if (code === 'CERT_HAS_EXPIRED') return `x509: certificate has expired or is not yet valid: current time ${goTime(new Date())} is after ${goTime(new Date(cert.valid_to))}`;
  if (code === 'CERT_NOT_YET_VALID') return `x509: certificate has expired or is not yet valid: current time ${goTime(new Date())} is before ${goTime(new Date(cert.valid_from))}`;
  if (code !== '') return 'x509: certificate signed by unknown authority';
  if (!checkServerIdentity(host, cert)) return undefined;
  const ips = (cert.subjectaltname ?? '').split(', ').filter((s) => s.startsWith('IP Address:')).map((s) => s.slice(11));
  if (ips.length === 0) return `x509: cannot validate certificate for ${host} because it doesn't contain any IP SANs`;
  return `x509: certificate is valid for ${ips.join(', ')}, not ${host}`;
}

/** ErrorToAPIStatus for a non-Status error: 500, reason omitted (StatusReasonUnknown is ""). */
function unknownError(message: string): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 };
}

/** genericrest.GenericHttpResponseChecker: what a non-2xx kubelet answer becomes. */
function checkerStatus(code: number, body: string, pod: string): Status {
  if (code === 400) return badRequest(body);
  if (code === 500) return failure(500, 'InternalError', `Internal error occurred: ${body}`, { causes: [{ message: body }] });
  const reason = code === 404 ? 'NotFound' : code === 403 ? 'Forbidden' : code === 401 ? 'Unauthorized' : '';
  const generic = code === 404 ? 'the server could not find the requested resource' : `the server responded with the status code ${code} but did not return more information`;
  return failure(code, reason, `${generic} ( pods/log ${pod})`, { name: pod, kind: 'pods/log', causes: [{ reason: 'UnexpectedServerResponse', message: body }] });
}

/** Connects (verifying unless skipped), or calls back with Go's error text. */
function dial(ep: KubeletEndpoint, verify: boolean, url: string, done: (err: string | undefined, sock?: TLSSocket) => void): void {
  const ca = verify ? clientConfig.ca : undefined;
  const sock = connect({ host: ep.host, port: ep.port, rejectUnauthorized: false, ...(ca ? { ca } : {}), ...(/^[\d.:]+$/.test(ep.host) ? {} : { servername: ep.host }) });
  sock.once('error', (err: NodeJS.ErrnoException) => {
    const why = err.code === 'ECONNREFUSED' ? 'connect: connection refused' : err.message;
    done(`Get ${JSON.stringify(url)}: dial tcp ${ep.host}:${ep.port}: ${why}`);
  });
  sock.once('secureConnect', () => {
    const bad = ca ? x509Message(sock, ep.host) : undefined;
    if (!bad) return done(undefined, sock);
    sock.destroy();
    done(`Get ${JSON.stringify(url)}: tls: failed to verify certificate: ${bad}`);
  });
}

/** Streams the kubelet's answer to the client; client and kubelet connections end together. */
export function proxyKubeletLogs(req: IncomingMessage, res: ServerResponse, streams: Set<ServerResponse>, ep: KubeletEndpoint, r: KubeletLogRequest): void {
  const { namespace, pod, container } = r.target;
  const path = `/containerLogs/${namespace}/${pod}/${container}${encodeQuery(r.query)}`;
  const url = `https://${ep.host}:${ep.port}${path}`;
  dial(ep, !r.insecureSkipTLSVerifyBackend, url, (err, sock) => {
    if (err !== undefined || !sock) return sendJson(res, 500, unknownError(err ?? 'no connection'));
    const upstream = request({ createConnection: () => sock, host: ep.host, port: ep.port, path, method: 'GET', headers: { host: `${ep.host}:${ep.port}` } });
    upstream.on('error', (e) => (res.headersSent ? res.destroy() : sendJson(res, 500, unknownError(`Get ${JSON.stringify(url)}: ${e.message}`))));
    upstream.on('response', (kres) => relay(req, res, streams, kres, pod, r.follow));
    req.on('close', () => upstream.destroy());
    upstream.end();
  });
}

function relay(req: IncomingMessage, res: ServerResponse, streams: Set<ServerResponse>, kres: IncomingMessage, pod: string, follow: boolean): void {
  const code = kres.statusCode ?? 500;
  if (code < 200 || code > 206) {
    const chunks: Buffer[] = [];
    kres.on('data', (c: Buffer) => chunks.push(c));
    kres.on('end', () => sendStatus(res, checkerStatus(code, Buffer.concat(chunks).toString('utf8').slice(0, 50_000), pod)));
    return;
  }
  apiHeaders(res, 'text/plain');
  res.statusCode = 200;
  if (follow) res.flushHeaders();
  streams.add(res);
  const stop = (): void => {
    streams.delete(res);
    kres.destroy();
  };
  res.on('close', stop);
  req.on('close', stop);
  kres.on('error', () => res.destroy());
  kres.pipe(res);
}
