/**
 * One call to an upstream: the client's disconnect and the configured time limit both abort it (the upstream stops
 * generating for a client that is gone), upstream failures become OpenAI-shaped 502/504 errors, and bodies are read
 * with a size limit.
 *
 * Calls go through node:http(s) with a keep-alive pool per protocol rather than fetch: the upstream is usually on the
 * same host or network, and fetch's WHATWG streams cost about three times as much CPU per request as a plain
 * keep-alive request (measured with bench/gateway.ts), which is most of what the proxy adds under load.
 */
import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { GatewayError } from './openai-error.ts';
import type { GoneSignal } from './request.ts';
import { type Route, upstreamUrl } from './upstreams.ts';

/** Reads the upstream's body a piece at a time (`done` at its end); `cancel` drops the rest and the connection. */
export interface BodyReader {
  read(): Promise<{ done: true; value?: undefined } | { done: false; value: Uint8Array }>;
  cancel(): Promise<void>;
}

export interface UpstreamCall {
  status: number;
  /** The body, read once. */
  reader(): BodyReader;
  /** Restart the time limit (a stream chunk arrived). */
  touch(): void;
  /** Abort the upstream request (client gone, review block); idempotent. */
  abort(reason: string): void;
  /** Stop the timer (the call is finished). */
  done(): void;
}

/**
 * Idle connections are closed after 4 s, before the 5 s that common servers (uvicorn under vLLM, Go's net/http under
 * Ollama) allow, so a request is rarely sent on a connection the server is closing; one that is gets one retry.
 */
const agents = {
  'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo', timeout: 4000 }),
  'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo', timeout: 4000 }),
};

/** Parsed once per upstream URL: the set is fixed by the configuration (upstreams × endpoints). */
const targets = new Map<string, { protocol: string; options: http.RequestOptions }>();

function targetOf(url: string): { protocol: string; options: http.RequestOptions } {
  let t = targets.get(url);
  if (!t) {
    const u = new URL(url);
    t = { protocol: u.protocol, options: urlToHttpOptions(u) };
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
  // Plain destroy() rather than an AbortController: one fewer per request, and they are not cheap in Node 20.
  let stopped: Error | undefined;
  let req: http.ClientRequest | undefined;
  let response: http.IncomingMessage | undefined;
  const abort = (reason: string) => {
    if (stopped) return;
    stopped = new Error(reason);
    req?.destroy(stopped);
    response?.destroy(stopped);
  };
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  // One timer per call, restarted on every chunk (a new one per chunk would be an allocation per token).
  const touch = () => {
    if (timer) {
      timer.refresh();
      return;
    }
    timer = setTimeout(() => {
      timedOut = true;
      abort('upstream timeout');
    }, o.timeoutMs);
  };
  const onGone = () => abort('client disconnected');
  if (o.clientGone.aborted) onGone();
  else o.clientGone.addEventListener('abort', onGone, { once: true });
  const done = () => {
    clearTimeout(timer);
    o.clientGone.removeEventListener('abort', onGone);
  };
  touch();
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
  headers['content-length'] = String(Buffer.byteLength(body));
  if (route.upstream.apiKey) headers.authorization = `Bearer ${route.upstream.apiKey}`;
  try {
    if (stopped) throw stopped;
    response = await send(targetOf(upstreamUrl(route, path)), headers, body, (r) => {
      req = r;
      return stopped;
    });
  } catch {
    done();
    if (timedOut) throw new GatewayError('upstream_timeout', 'the model server did not answer in time');
    throw new GatewayError('upstream_error', 'the model server could not be reached');
  }
  const status = response.statusCode ?? 0;
  if (status < 200 || status > 299) {
    done();
    response.destroy();
    throw upstreamStatusError(status);
  }
  const res = response;
  return {
    status,
    reader: () => bodyReader(res),
    touch,
    abort,
    done,
    get timedOut() {
      return timedOut;
    },
  } as UpstreamCall;
}

/**
 * POST, retried once when a reused keep-alive connection turns out to be closed before any answer. `started` is told
 * of each request made and answers whether the call has been stopped meanwhile.
 */
function send(
  target: { protocol: string; options: http.RequestOptions },
  headers: Record<string, string>,
  body: string | Buffer,
  started: (req: http.ClientRequest) => Error | undefined,
  retried = false,
): Promise<http.IncomingMessage> {
  const agent = agents[target.protocol as keyof typeof agents];
  const request = target.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request({ ...target.options, method: 'POST', headers, agent }, (res) => {
      answered = true;
      resolve(res);
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      // Only a request the server never answered is sent again: once a response has begun, it was received.
      if (
        !retried &&
        !answered &&
        req.reusedSocket &&
        !started(req) &&
        (e.code === 'ECONNRESET' || e.code === 'EPIPE')
      ) {
        send(target, headers, body, started, true).then(resolve, reject);
      } else reject(e);
    });
    const stopped = started(req);
    if (stopped) req.destroy(stopped);
    else req.end(body);
  });
}

/**
 * Reads the response as its chunks arrive, through `read()` and the `readable` event: one promise per wait rather
 * than the several a stream's async iterator makes per chunk (a streamed completion has one chunk per token).
 * A response cut short (the socket closed before its end) fails the read, as the async iterator does.
 */
function bodyReader(res: http.IncomingMessage): BodyReader {
  let ended = false;
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const arrival = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });
  res.on('readable', notify);
  res.once('end', () => {
    ended = true;
    notify();
  });
  res.once('error', (e) => {
    failed ??= e;
    notify();
  });
  res.once('close', () => {
    if (!ended) failed ??= new Error('the response ended before it was complete');
    notify();
  });
  return {
    read: async () => {
      for (;;) {
        const chunk = res.read() as Buffer | null;
        if (chunk !== null) return { done: false, value: chunk };
        if (failed) throw failed;
        if (ended) return { done: true };
        await arrival();
      }
    },
    cancel: async () => {
      if (!res.complete) {
        res.destroy();
        return;
      }
      // All of it has arrived (a stream read up to [DONE]): read it to its end so the connection goes back to the pool.
      while (!ended && !failed) {
        while (res.read() !== null);
        if (!ended && !failed) await arrival();
      }
    },
  };
}

/** An upstream's 4xx is the client's request (passed on as such); anything else is the upstream's failure. */
function upstreamStatusError(status: number): GatewayError {
  if (status === 429) return new GatewayError('rate_limited', 'the model server is busy; retry later');
  if (status === 404) return new GatewayError('model_not_found', 'the model server does not know this model');
  if (status >= 400 && status < 500)
    return new GatewayError('invalid_request', `the model server refused the request (HTTP ${status})`);
  return new GatewayError('upstream_error', `the model server failed (HTTP ${status})`);
}

export function isTimedOut(call: UpstreamCall): boolean {
  return (call as unknown as { timedOut: boolean }).timedOut;
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
    if (isTimedOut(call)) throw new GatewayError('upstream_timeout', 'the model server did not finish in time');
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
