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

/** Aborts when the client goes away before the response is complete (the upstream call is then cancelled). */
export function clientGone(reply: FastifyReply): AbortSignal {
  const ac = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) ac.abort();
  });
  return ac.signal;
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
