/**
 * /v1/images/generations, /v1/images/edits and /v1/audio/speech: the upstream's image or audio is labelled (explicit
 * mark, App. E metadata, signature) before anyone sees it. Images are always fetched from the upstream as base64, so
 * an unlabelled upstream URL never reaches the client; a `url` response points at the gateway itself.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sha256Hex } from '../../digest.ts';
import { type ReviewDecision, type ReviewResult, stricter } from '../../review/decision.ts';
import type { GatewayContext } from '../context.ts';
import { GatewayError, OUTPUT_BLOCKED_MESSAGE } from '../openai-error.ts';
import type { Admission } from '../pipeline.ts';
import { clientGone, type Json, jsonBody, requireString } from '../request.ts';
import { callUpstream, readBody, readJson } from '../upstream-call.ts';
import type { Route } from '../upstreams.ts';

export const IMAGE_LINK_PATH = '/v1/hegui/images/';

export function imageGenerationHandler(ctx: GatewayContext) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const body = jsonBody(req);
    const route = ctx.routes.resolve(body.model);
    const prompt = requireString(body, 'prompt');
    const adm = await ctx.pipeline.admit(req, {
      fn: 'publish',
      endpoint: 'images.generations',
      model: body.model as string,
      input: prompt,
    });
    const call = await callUpstream(
      route,
      '/images/generations',
      {
        body: JSON.stringify({ ...body, model: route.model, response_format: 'b64_json' }),
        contentType: 'application/json',
      },
      { timeoutMs: ctx.config.upstreamTimeoutMs, clientGone: clientGone(reply) },
    );
    return sendImages(
      ctx,
      req,
      reply,
      adm,
      route,
      await readJson(call, ctx.config.maxUpstreamBytes),
      body.response_format,
    );
  };
}

export function imageEditHandler(ctx: GatewayContext) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const form = await formOf(req);
    const model = form.get('model');
    const route = ctx.routes.resolve(model);
    const prompt = form.get('prompt');
    if (typeof prompt !== 'string' || !prompt) throw new GatewayError('invalid_request', '"prompt" is required');
    // An edit of an uploaded picture may edit a person's face: it needs that person's consent (Art. 14 para. 2).
    const subject = form.get('consent_subject');
    const use = form.get('consent_use');
    const adm = await ctx.pipeline.admit(req, {
      fn: 'face-edit',
      endpoint: 'images.edits',
      model: model as string,
      input: prompt,
      consent: {
        subject: typeof subject === 'string' && subject ? subject : undefined,
        use: typeof use === 'string' && use ? use : 'image_edit',
      },
    });
    const out = new FormData();
    for (const [k, v] of form) {
      if (k === 'model' || k === 'response_format' || k === 'consent_subject' || k === 'consent_use') continue;
      out.append(k, v);
    }
    out.set('model', route.model);
    out.set('response_format', 'b64_json');
    const call = await callUpstream(
      route,
      '/images/edits',
      { body: out },
      {
        timeoutMs: ctx.config.upstreamTimeoutMs,
        clientGone: clientGone(reply),
      },
    );
    return sendImages(
      ctx,
      req,
      reply,
      adm,
      route,
      await readJson(call, ctx.config.maxUpstreamBytes),
      form.get('response_format'),
    );
  };
}

async function formOf(req: FastifyRequest): Promise<FormData> {
  const ct = req.headers['content-type'];
  if (!Buffer.isBuffer(req.body) || typeof ct !== 'string' || !ct.startsWith('multipart/form-data')) {
    throw new GatewayError('invalid_request', 'send the image edit as multipart/form-data');
  }
  try {
    return await new Response(new Uint8Array(req.body), { headers: { 'content-type': ct } }).formData();
  } catch {
    throw new GatewayError('invalid_request', 'the multipart body could not be read');
  }
}

async function sendImages(
  ctx: GatewayContext,
  req: FastifyRequest,
  reply: FastifyReply,
  adm: Admission,
  route: Route,
  json: Json,
  responseFormat: unknown,
) {
  const items = Array.isArray(json.data) ? (json.data as Json[]) : [];
  if (!items.length || items.some((d) => typeof d.b64_json !== 'string')) {
    throw new GatewayError('upstream_error', 'the model server did not return base64 images');
  }
  // Review every image before anything is labelled or delivered: one blocked image withholds the response.
  const reviews: ReviewResult[] = [];
  let decision: ReviewDecision = 'pass';
  for (const d of items) {
    const r = await ctx.pipeline.reviewImage(adm, Buffer.from(d.b64_json as string, 'base64'));
    if (r.decision === 'block') {
      await ctx.pipeline.recordOutputBlocked(adm, route.upstream.name, r.hits);
      throw new GatewayError('output_blocked', OUTPUT_BLOCKED_MESSAGE);
    }
    if (r.decision === 'review') reviews.push(r);
    decision = stricter(decision, r.decision);
  }
  const asUrl = responseFormat === 'url';
  const data: Json[] = [];
  const hashes: string[] = [];
  for (const d of items) {
    const labelled = await ctx.labels.image(Buffer.from(d.b64_json as string, 'base64'), adm.produceId);
    hashes.push(sha256Hex(labelled.bytes));
    const { b64_json: _dropped, ...rest } = d;
    if (asUrl) {
      const type = imageType(labelled.bytes);
      const token = ctx.links.put(labelled.bytes, type);
      data.push({ ...rest, url: `${baseUrlOf(ctx, req)}${IMAGE_LINK_PATH}${token}` });
    } else data.push({ ...rest, b64_json: Buffer.from(labelled.bytes).toString('base64') });
  }
  await ctx.pipeline.recordGeneration(adm, {
    kind: 'image',
    contentSha256: hashes,
    decision,
    outputReviews: reviews,
    upstream: route.upstream.name,
    labels: { explicit: true, metadata: true, signed: ctx.labels.signer !== null },
  });
  reply.header('x-hegui-produce-id', adm.produceId);
  return reply.send({ ...json, data });
}

function baseUrlOf(ctx: GatewayContext, req: FastifyRequest): string {
  if (ctx.config.publicUrl) return ctx.config.publicUrl.replace(/\/+$/, '');
  return `${req.protocol}://${req.host}`;
}

const AUDIO_TYPES: Record<string, string> = { mp3: 'audio/mpeg', wav: 'audio/wav', flac: 'audio/flac' };

export function speechHandler(ctx: GatewayContext) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const body = jsonBody(req);
    const route = ctx.routes.resolve(body.model);
    const input = requireString(body, 'input');
    const format = body.response_format === undefined ? 'mp3' : body.response_format;
    const type = typeof format === 'string' ? AUDIO_TYPES[format] : undefined;
    if (!type)
      throw new GatewayError(
        'invalid_request',
        `"response_format" must be one of ${Object.keys(AUDIO_TYPES).join(', ')}`,
      );
    // A voice of a real person (configured in personalVoices) is voice editing: that person's consent is needed.
    const person = typeof body.voice === 'string' ? ctx.config.personalVoices[body.voice] : undefined;
    const adm = await ctx.pipeline.admit(req, {
      fn: person ? 'voice-edit' : 'publish',
      endpoint: 'audio.speech',
      model: body.model as string,
      input,
      ...(person ? { consent: { subject: person, use: 'speech' } } : {}),
    });
    const call = await callUpstream(
      route,
      '/audio/speech',
      {
        body: JSON.stringify({ ...body, model: route.model, response_format: format }),
        contentType: 'application/json',
      },
      { timeoutMs: ctx.config.upstreamTimeoutMs, clientGone: clientGone(reply) },
    );
    const audio = await readBody(call, ctx.config.maxUpstreamBytes);
    const labelled = await ctx.labels.audio(audio, adm.produceId);
    await ctx.pipeline.recordGeneration(adm, {
      kind: 'audio',
      contentSha256: [sha256Hex(labelled.bytes)],
      decision: 'pass',
      upstream: route.upstream.name,
      labels: { explicit: true, metadata: true, signed: ctx.labels.signer !== null },
    });
    reply.header('x-hegui-produce-id', adm.produceId).header('content-type', type);
    return reply.send(Buffer.from(labelled.bytes));
  };
}

function imageType(b: Uint8Array): string {
  if (b[0] === 0xff && b[1] === 0xd8) return 'image/jpeg';
  if (b[0] === 0x89 && b[1] === 0x50) return 'image/png';
  if (b[0] === 0x52 && b[8] === 0x57) return 'image/webp';
  return 'application/octet-stream';
}
