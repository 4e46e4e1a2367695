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

/** What the upstream call needs to hear that the client went away: an AbortSignal has it, and so has {@link clientGone}. */
export interface GoneSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * Fires when the client goes away before the response is complete (the upstream call is then cancelled). A plain
 * object on the response's `close` event rather than an AbortController: a controller and its signal's event maps
 * are two kilobytes kept for every request in flight, which the garbage collector copies while a stream lasts.
 */
export function clientGone(reply: FastifyReply): GoneSignal {
  const raw = reply.raw;
  let aborted = false;
  const listeners: (() => void)[] = [];
  raw.once('close', () => {
    if (raw.writableFinished) return;
    aborted = true;
    for (const fn of listeners.splice(0)) fn();
  });
  return {
    get aborted() {
      return aborted;
    },
    // As on an AbortSignal: a listener added after the abort is not called (the caller checks `aborted` first).
    addEventListener(_type, listener) {
      if (!aborted) listeners.push(listener);
    },
    removeEventListener(_type, listener) {
      const i = listeners.indexOf(listener);
      if (i >= 0) listeners.splice(i, 1);
    },
  };
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
