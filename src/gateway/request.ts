/** Request plumbing shared by the gateway's endpoints. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from './openai-error.ts';

export type Json = Record<string, unknown>;

export function jsonBody(req: FastifyRequest): Json {
  const b = req.body;
  if (!b || typeof b !== 'object' || Array.isArray(b))
    throw new GatewayError('invalid_request', 'the body must be a JSON object');
  return b as Json;
}

export function requireString(body: Json, field: string): string {
  const v = body[field];
  if (typeof v !== 'string' || v === '') throw new GatewayError('invalid_request', `"${field}" is required (a string)`);
  return v;
}

/** Told when the client has gone away: an object with a `handleEvent` method, as an EventTarget takes. */
export interface GoneListener {
  handleEvent(): void;
}

/** What the upstream call needs to hear that the client went away: an AbortSignal has it, and so has {@link clientGone}. */
export interface GoneSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: GoneListener, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: GoneListener): void;
}

/**
 * Fires when the client goes away before the response is complete (the upstream call is then cancelled). A small
 * class on the response's `close` event rather than an AbortController: a controller and its signal's event maps
 * are two kilobytes kept for every request in flight, which the garbage collector copies while a stream lasts.
 */
class ClientGone implements GoneSignal {
  aborted = false;
  /** Usually one listener (the upstream call), so no array until a second one comes. */
  #listener: GoneListener | GoneListener[] | null = null;

  constructor(raw: FastifyReply['raw']) {
    raw.on('close', () => {
      if (!raw.writableFinished) this.#abort();
    });
  }

  // As on an AbortSignal: a listener added after the abort is not called (the caller checks `aborted` first).
  addEventListener(_type: 'abort', listener: GoneListener): void {
    if (this.aborted) return;
    const l = this.#listener;
    this.#listener = l === null ? listener : Array.isArray(l) ? [...l, listener] : [l, listener];
  }

  removeEventListener(_type: 'abort', listener: GoneListener): void {
    const l = this.#listener;
    if (l === listener) this.#listener = null;
    else if (Array.isArray(l)) this.#listener = l.filter((x) => x !== listener);
  }

  #abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const l = this.#listener;
    this.#listener = null;
    if (Array.isArray(l)) for (const x of l) x.handleEvent();
    else l?.handleEvent();
  }
}

export function clientGone(reply: FastifyReply): GoneSignal {
  return new ClientGone(reply.raw);
}

/** Every text a chat request sends the model (message contents, text parts of multi-part contents). */
export function messagesText(messages: unknown): string {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new GatewayError('invalid_request', '"messages" must be a non-empty array');
  }
  const parts: string[] = [];
  for (const m of messages) {
    const c = (m as { content?: unknown } | null)?.content;
    if (typeof c === 'string') parts.push(c);
    else if (Array.isArray(c)) {
      for (const p of c) {
        const t = (p as { text?: unknown } | null)?.text;
        if (typeof t === 'string') parts.push(t);
      }
    }
  }
  // Separate messages so a term is not matched across two of them.
  return parts.join('\n\n');
}

export function promptText(prompt: unknown): string {
  if (typeof prompt === 'string') return prompt;
  if (Array.isArray(prompt) && prompt.every((p) => typeof p === 'string')) return prompt.join('\n\n');
  throw new GatewayError('invalid_request', '"prompt" must be a string or an array of strings');
}
