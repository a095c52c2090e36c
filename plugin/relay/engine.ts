/**
 * What the relay's forwarding needs from an HTTP client towards the API
 * server: send one request, then hear of its answer through a sink. Two
 * engines implement it: the relay's own HTTP/1.1 client (engine-h1.ts), for
 * a server reached directly, and undici (engine-undici.ts), for one behind a
 * proxy.
 */
import type { IncomingMessage } from 'node:http';

/** One request as it goes upstream. */
export interface UpstreamRequest {
  method: string;
  path: string;
  /** Flat [name, value, …], in the client's order and spelling. */
  headers: string[];
  body: IncomingMessage | null;
}

/** Control over the answer's flow. */
export interface Flow {
  pause(): void;
  resume(): void;
  abort(err: Error): void;
  /** Whether the request went on a connection that had carried one before (Go's persistConn.isReused). */
  reused(): boolean;
}

/** Response headers, every value of each (lower-case) name kept apart. */
export type DistinctHeaders = Record<string, string[] | undefined>;

/** Where an engine reports what happens to a request. Exactly one of end() or error() ends it. */
export interface ResponseSink {
  start(flow: Flow): void;
  /** The final answer's head (1xx answers are not reported). */
  head(status: number, headers: DistinctHeaders): void;
  data(chunk: Buffer): void;
  end(): void;
  error(err: Error): void;
}

/** A request ready to go: its credentials, and where it goes. */
export interface ReadyRequest {
  credentials: Record<string, string | string[]>;
  send(req: UpstreamRequest, sink: ResponseSink): void;
  /** Gives the connection back unused (the client went away meanwhile). */
  cancel(): void;
}
