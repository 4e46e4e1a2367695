/**
 * One call to an upstream: the client's disconnect and the configured time limit both abort it (the upstream stops
 * generating for a client that is gone), upstream failures become OpenAI-shaped 502/504 errors, and bodies are read
 * with a size limit.
 *
 * Calls go through undici's `dispatch` with a handler of our own, over keep-alive connections per upstream, rather
 * than node:http or fetch. fetch's WHATWG streams cost about three times as much CPU per request as a plain keep-alive
 * request. node:http's client keeps a request, a response, its stream state and header strings for every call in
 * flight; a streamed completion holds them for seconds, so they are what the garbage collector copies and promotes
 * while hundreds of streams are open. With undici, and the per-stream objects here and in text-stream.ts being classes
 * rather than closure sets, the gateway's heap per open stream fell from about 16 KB to under 9 KB and its longest
 * collector pauses under 200 paced streams from 10–15 ms to about 5 ms (bench/gateway.ts).
 */
import { Client, type Dispatcher } from 'undici';
import { GatewayError } from './openai-error.ts';
import type { GoneListener, GoneSignal } from './request.ts';
import { type Route, upstreamUrl } from './upstreams.ts';

type Piece = { done: true; value?: undefined } | { done: false; value: Uint8Array };

/** Reads the upstream's body a piece at a time (`done` at its end); `cancel` drops the rest and the connection. */
export interface BodyReader {
  read(): Promise<Piece>;
  cancel(): Promise<void>;
}

export interface UpstreamCall {
  status: number;
  /** The body, read once. */
  reader(): BodyReader;
  /** Restart the time limit (a stream chunk arrived). */
  touch(): void;
  /**
   * Stop the time limit until the next `touch()`: the gateway is not reading the upstream (it waits for its client to
   * take what it wrote), so the upstream's silence is not the upstream's.
   */
  hold(): void;
  /** Abort the upstream request (client gone, review block); idempotent. */
  abort(reason: string): void;
  /** Stop the timer (the call is finished). */
  done(): void;
  /** The call was stopped by its time limit. */
  readonly timedOut: boolean;
}

/**
 * Idle connections are closed after 4 s, before the 5 s that common servers (uvicorn under vLLM, Go's net/http under
 * Ollama) allow, so a request is rarely sent on a connection the server is closing; one that is gets one retry.
 */
const KEEP_ALIVE_MS = 4000;
/** Connections kept for reuse per upstream origin beyond those in use; more are closed when they come back. */
const MAX_IDLE = 256;
/** Body bytes held for a reader that has not caught up before the connection stops being read (backpressure). */
const HIGH_WATER = 64 * 1024;
const DONE = { done: true } as const;

/**
 * The connections to one upstream origin, one undici Client (one connection, no pipelining) each, the most recently
 * used first. Kept here rather than in an undici Pool so that a call knows whether its connection has carried an
 * earlier request: only such a connection, dropped by the server before it answered, is retried.
 */
class OriginPool {
  readonly #idle: Client[] = [];
  readonly #origin: string;

  constructor(origin: string) {
    this.#origin = origin;
  }

  acquire(): { client: Client; reused: boolean } {
    const client = this.#idle.pop();
    if (client) return { client, reused: client.stats.connected };
    return {
      client: new Client(this.#origin, {
        keepAliveTimeout: KEEP_ALIVE_MS,
        keepAliveMaxTimeout: KEEP_ALIVE_MS,
        pipelining: 1,
        // The call's own timer (restarted on every chunk) is the time limit.
        headersTimeout: 0,
        bodyTimeout: 0,
      }),
      reused: false,
    };
  }

  release(client: Client): void {
    if (client.closed || client.destroyed) return;
    if (this.#idle.length >= MAX_IDLE) client.close().catch(() => {});
    else this.#idle.push(client);
  }
}

/** Parsed once per upstream URL: the set is fixed by the configuration (upstreams × endpoints). */
const targets = new Map<string, { pool: OriginPool; path: string }>();
const pools = new Map<string, OriginPool>();

function targetOf(url: string): { pool: OriginPool; path: string } {
  let t = targets.get(url);
  if (!t) {
    const u = new URL(url);
    let pool = pools.get(u.origin);
    if (!pool) {
      pool = new OriginPool(u.origin);
      pools.set(u.origin, pool);
    }
    t = { pool, path: u.pathname + u.search };
    targets.set(url, t);
  }
  return t;
}

export async function callUpstream(
  route: Route,
  path: string,
  init: { body: string | FormData; contentType?: string },
  o: { timeoutMs: number; clientGone: GoneSignal },
): Promise<UpstreamCall> {
  const call = new Call(o.timeoutMs, o.clientGone);
  const headers: Record<string, string> = { accept: '*/*' };
  let body: string | Buffer;
  if (typeof init.body === 'string') {
    body = init.body;
    if (init.contentType) headers['content-type'] = init.contentType;
  } else {
    // A multipart body (image edits): serialised once, with the boundary its content type names.
    const r = new Response(init.body);
    body = Buffer.from(await r.arrayBuffer());
    headers['content-type'] = r.headers.get('content-type')!;
  }
  if (route.upstream.apiKey) headers.authorization = `Bearer ${route.upstream.apiKey}`;
  const target = targetOf(upstreamUrl(route, path));
  await call.send(target.pool, { method: 'POST', path: target.path, headers, body });
  return call;
}

/**
 * A call's state in one object with methods rather than closures over locals: a streamed completion keeps it for
 * seconds, and it is its own listener for the client's departure (`handleEvent`) and its timer's argument.
 */
class Call implements UpstreamCall, GoneListener {
  status = 0;
  timedOut = false;
  #exchange: Exchange | undefined;
  #stopped: Error | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #timeoutMs: number;
  readonly #gone: GoneSignal;

  constructor(timeoutMs: number, gone: GoneSignal) {
    this.#timeoutMs = timeoutMs;
    this.#gone = gone;
    if (gone.aborted) this.handleEvent();
    else gone.addEventListener('abort', this, { once: true });
    this.touch();
  }

  /** The client went away. */
  handleEvent(): void {
    this.abort('client disconnected');
  }

  /** Sends the request; settles with the answer's status and headers, or fails with a GatewayError. */
  async send(pool: OriginPool, request: Dispatcher.DispatchOptions): Promise<void> {
    try {
      for (let attempt = 0; ; attempt++) {
        if (this.#stopped) throw this.#stopped;
        const { client, reused } = pool.acquire();
        const exchange = new Exchange(pool, client);
        this.#exchange = exchange;
        client.dispatch(request, exchange);
        try {
          await exchange.started;
          break;
        } catch (e) {
          // Only a request the server never answered, on a connection that had answered before, is sent again: the
          // server closed it as the request went out. A new connection failing is the upstream's failure.
          if (attempt > 0 || !reused || this.#stopped || !isConnectionDrop(e)) throw e;
        }
      }
    } catch {
      this.done();
      if (this.timedOut) throw new GatewayError('upstream_timeout', 'the model server did not answer in time');
      throw new GatewayError('upstream_error', 'the model server could not be reached');
    }
    const status = this.#exchange.status;
    this.status = status;
    if (status < 200 || status > 299) {
      this.done();
      this.#exchange.stop(new Error('unwanted body'));
      throw upstreamStatusError(status);
    }
  }

  reader(): BodyReader {
    return this.#exchange!;
  }

  // One timer per call, restarted on every chunk (a new one per chunk would be an allocation per token).
  touch(): void {
    if (this.#timer) this.#timer.refresh();
    else this.#timer = setTimeout(expire, this.#timeoutMs, this);
  }

  hold(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  abort(reason: string): void {
    if (this.#stopped) return;
    this.#stopped = new Error(reason);
    this.#exchange?.stop(this.#stopped);
  }

  done(): void {
    clearTimeout(this.#timer);
    this.#gone.removeEventListener('abort', this);
  }
}

function expire(call: Call): void {
  call.timedOut = true;
  call.abort('upstream timeout');
}

const DROP_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);
const isConnectionDrop = (e: unknown): boolean => DROP_CODES.has((e as { code?: unknown })?.code as string);

/**
 * One request and its response on one connection: undici's dispatch handler, and the reader of the body. Chunks are
 * queued as they arrive and taken by `read()`, one promise per wait; past {@link HIGH_WATER} unread bytes the
 * connection is paused until the reader catches up. A response cut short (the connection closed before its end)
 * fails the read.
 */
class Exchange implements Dispatcher.DispatchHandler, BodyReader {
  status = 0;
  /** Settles when the status and headers have arrived, or the request failed before they did. */
  readonly started: Promise<void>;
  /** Settles `started`; dropped once it has (its functions would otherwise live as long as the response). */
  #start: { resolve: () => void; reject: (e: Error) => void } | undefined;
  #controller: Dispatcher.DispatchController | undefined;
  #stopped: Error | undefined;
  #queue: Buffer[] = [];
  #queued = 0;
  #ended = false;
  #failed: Error | undefined;
  #waiter: { resolve: (p: Piece) => void; reject: (e: Error) => void } | undefined;
  #released = false;
  readonly #pool: OriginPool;
  readonly #client: Client;

  constructor(pool: OriginPool, client: Client) {
    this.#pool = pool;
    this.#client = client;
    this.started = new Promise((resolve, reject) => {
      this.#start = { resolve, reject };
    });
  }

  /** Abort the request, or the rest of the response; the connection is dropped unless the response had ended. */
  stop(reason: Error): void {
    if (this.#stopped || this.#ended) return;
    this.#stopped = reason;
    this.#controller?.abort(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#stopped) controller.abort(this.#stopped);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number): void {
    // The controller would keep the raw header buffers (slices of a socket read) while the response lasts; no one
    // here reads them.
    controller.rawHeaders = null;
    // 1xx informational answers come before the real one.
    if (statusCode < 200) return;
    this.status = statusCode;
    this.#start?.resolve();
    this.#start = undefined;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    if (this.#queued >= HIGH_WATER) controller.pause();
    this.#notify();
  }

  onResponseEnd(): void {
    this.#ended = true;
    this.#release();
    this.#notify();
  }

  onResponseError(_c: Dispatcher.DispatchController, error: Error): void {
    this.#failed ??= this.status === 0 ? error : new Error('the response ended before it was complete');
    this.#start?.reject(error);
    this.#start = undefined;
    this.#release();
    this.#notify();
  }

  /** The next piece; a plain method returning a promise (an async one would keep a suspended frame per wait). */
  read(): Promise<Piece> {
    const now = this.#take();
    if (now === undefined)
      return new Promise<Piece>((resolve, reject) => {
        this.#waiter = { resolve, reject };
      });
    return now instanceof Error ? Promise.reject(now) : Promise.resolve(now);
  }

  /** What `read()` answers now (a piece, or the failure), if anything is there to answer with. */
  #take(): Piece | Error | undefined {
    const chunk = this.#queue.shift();
    if (chunk !== undefined) {
      this.#queued -= chunk.length;
      if (this.#queued < HIGH_WATER && this.#controller?.paused) this.#controller.resume();
      return { done: false, value: chunk };
    }
    if (this.#failed) return this.#failed;
    if (this.#ended) return DONE;
    return undefined;
  }

  /** Drops what is unread; a response that has not all arrived is aborted (its connection is not reused). */
  async cancel(): Promise<void> {
    this.#queue.length = 0;
    this.#queued = 0;
    if (!this.#ended) this.stop(new Error('body cancelled'));
  }

  /** Answers a waiting `read()`, if there is one and something to answer with. */
  #notify(): void {
    const w = this.#waiter;
    if (!w) return;
    const now = this.#take();
    if (now === undefined) return;
    this.#waiter = undefined;
    if (now instanceof Error) w.reject(now);
    else w.resolve(now);
  }

  /** The connection goes back to its pool once undici is done with this request (answered, failed or aborted). */
  #release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#pool.release(this.#client);
  }
}

/** An upstream's 4xx is the client's request (passed on as such); anything else is the upstream's failure. */
function upstreamStatusError(status: number): GatewayError {
  if (status === 429) return new GatewayError('rate_limited', 'the model server is busy; retry later');
  if (status === 404) return new GatewayError('model_not_found', 'the model server does not know this model');
  if (status >= 400 && status < 500)
    return new GatewayError('invalid_request', `the model server refused the request (HTTP ${status})`);
  return new GatewayError('upstream_error', `the model server failed (HTTP ${status})`);
}

/** Read a whole body, refusing more than `max` bytes (a runaway upstream must not exhaust memory). */
export async function readBody(call: UpstreamCall, max: number): Promise<Buffer> {
  const reader = call.reader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      call.touch();
      size += value.byteLength;
      if (size > max) {
        call.abort('too large');
        throw new GatewayError('upstream_error', 'the model server sent a response larger than allowed');
      }
      parts.push(value);
    }
  } catch (e) {
    if (e instanceof GatewayError) throw e;
    if (call.timedOut) throw new GatewayError('upstream_timeout', 'the model server did not finish in time');
    throw new GatewayError('upstream_error', 'the model server closed the connection early');
  } finally {
    call.done();
  }
  return Buffer.concat(parts);
}

export async function readJson(call: UpstreamCall, max: number): Promise<Record<string, unknown>> {
  const buf = await readBody(call, max);
  try {
    const v: unknown = JSON.parse(buf.toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {}
  throw new GatewayError('upstream_error', 'the model server sent a response that is not JSON');
}
