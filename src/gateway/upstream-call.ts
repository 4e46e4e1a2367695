/**
 * One call to an upstream: the client's disconnect and the configured time limit both abort it (the upstream stops
 * generating for a client that is gone), upstream failures become OpenAI-shaped 502/504 errors, and bodies are read
 * with a size limit.
 */
import { GatewayError } from './openai-error.ts';
import { type Route, upstreamUrl } from './upstreams.ts';

export interface UpstreamCall {
  response: Response;
  /** Restart the time limit (a stream chunk arrived). */
  touch(): void;
  /** Abort the upstream request (client gone, review block); idempotent. */
  abort(reason: string): void;
  readonly signal: AbortSignal;
  /** Stop the timer (the call is finished). */
  done(): void;
}

export async function callUpstream(
  route: Route,
  path: string,
  init: { body: string | FormData; contentType?: string },
  o: { timeoutMs: number; clientGone: AbortSignal },
): Promise<UpstreamCall> {
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('upstream timeout'));
    }, o.timeoutMs);
  };
  const onGone = () => controller.abort(new Error('client disconnected'));
  if (o.clientGone.aborted) onGone();
  else o.clientGone.addEventListener('abort', onGone, { once: true });
  const done = () => {
    clearTimeout(timer);
    o.clientGone.removeEventListener('abort', onGone);
  };
  touch();
  const headers: Record<string, string> = { accept: '*/*' };
  if (init.contentType) headers['content-type'] = init.contentType;
  if (route.upstream.apiKey) headers.authorization = `Bearer ${route.upstream.apiKey}`;
  let response: Response;
  try {
    response = await fetch(upstreamUrl(route, path), {
      method: 'POST',
      headers,
      body: init.body,
      signal: controller.signal,
    });
  } catch {
    done();
    if (timedOut) throw new GatewayError('upstream_timeout', 'the model server did not answer in time');
    throw new GatewayError('upstream_error', 'the model server could not be reached');
  }
  if (!response.ok) {
    done();
    await response.body?.cancel().catch(() => {});
    throw upstreamStatusError(response.status);
  }
  return {
    response,
    touch,
    abort: (reason) => controller.abort(new Error(reason)),
    signal: controller.signal,
    done,
    get timedOut() {
      return timedOut;
    },
  } as UpstreamCall;
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
  const reader = call.response.body?.getReader();
  if (!reader) return Buffer.alloc(0);
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
