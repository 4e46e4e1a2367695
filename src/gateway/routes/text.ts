/** /v1/chat/completions and /v1/completions: review in, upstream, review out, explicit label, log. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sha256Hex } from '../../digest.ts';
import { labelText } from '../../label/explicit/text/label-text.ts';
import type { ReviewDecision, ReviewResult } from '../../review/decision.ts';
import { stricter } from '../../review/decision.ts';
import type { GatewayContext } from '../context.ts';
import { GatewayError, OUTPUT_BLOCKED_MESSAGE } from '../openai-error.ts';
import { clientGone, type Json, jsonBody, messagesText, promptText } from '../request.ts';
import { streamText } from '../text-stream.ts';
import { callUpstream, readJson } from '../upstream-call.ts';

type Kind = 'chat' | 'completion';

export function textHandler(ctx: GatewayContext, kind: Kind) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const body = jsonBody(req);
    const route = ctx.routes.resolve(body.model);
    const publicModel = body.model as string;
    const input = kind === 'chat' ? messagesText(body.messages) : promptText(body.prompt);
    const adm = await ctx.pipeline.admit(req, {
      fn: 'publish',
      endpoint: kind === 'chat' ? 'chat.completions' : 'completions',
      model: publicModel,
      input,
    });
    const gone = clientGone(reply);
    const call = await callUpstream(
      route,
      kind === 'chat' ? '/chat/completions' : '/completions',
      { body: JSON.stringify({ ...body, model: route.model }), contentType: 'application/json' },
      { timeoutMs: ctx.config.upstreamTimeoutMs, clientGone: gone },
    );
    if (body.stream === true) {
      // Returned rather than awaited: this handler's frame is not kept suspended for as long as the stream lasts.
      return streamText(reply, call, adm, ctx.pipeline, { kind, publicModel, upstream: route.upstream.name }).then(
        () => reply,
      );
    }
    const json = await readJson(call, ctx.config.maxUpstreamBytes);
    const choices = Array.isArray(json.choices) ? (json.choices as Json[]) : [];
    let decision: ReviewDecision = 'pass';
    const hashes: string[] = [];
    const outputReviews: ReviewResult[] = [];
    for (const c of choices) {
      const text = textOf(c, kind);
      if (typeof text !== 'string') continue;
      const r = ctx.pipeline.review(adm, text);
      decision = stricter(decision, r.decision);
      if (r.decision === 'review') outputReviews.push(r);
      if (r.decision === 'block') {
        await ctx.pipeline.recordOutputBlocked(adm, route.upstream.name, r.hits, r.omitted?.hits);
        throw new GatewayError('output_blocked', OUTPUT_BLOCKED_MESSAGE);
      }
      const labelled = labelText(text, ctx.labels.text);
      setText(c, kind, labelled);
      hashes.push(sha256Hex(labelled));
    }
    await ctx.pipeline.recordGeneration(adm, {
      kind: 'text',
      contentSha256: hashes,
      decision,
      outputReviews,
      ...(typeof json.id === 'string' ? { contentId: json.id } : {}),
      upstream: route.upstream.name,
      labels: { explicit: hashes.length > 0, metadata: false, signed: false },
    });
    reply.header('x-hegui-produce-id', adm.produceId);
    return reply.send({ ...json, model: publicModel });
  };
}

function textOf(c: Json, kind: Kind): unknown {
  return kind === 'chat' ? (c.message as Json | undefined)?.content : c.text;
}

function setText(c: Json, kind: Kind, text: string): void {
  if (kind === 'chat') c.message = { ...(c.message as Json), content: text };
  else c.text = text;
}
