/**
 * The gateway's endpoints on the server, in a scope of their own: OpenAI-shaped errors, JSON and multipart body
 * limits from the configuration, and a GET for the short-lived image URLs.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { isHeguiError } from '../errors.ts';
import type { Platform } from '../platform/platform.ts';
import { authenticate } from '../server/route.ts';
import type { GatewayContext } from './context.ts';
import { GatewayError } from './openai-error.ts';
import { IMAGE_LINK_PATH, imageEditHandler, imageGenerationHandler, speechHandler } from './routes/media.ts';
import { textHandler } from './routes/text.ts';

export async function registerGateway(app: FastifyInstance, platform: Platform, ctx: GatewayContext): Promise<void> {
  await app.register(async (scope) => {
    scope.setErrorHandler((err, req, reply) => {
      const g = toGatewayError(err);
      if (g.status >= 500 && g.code === 'internal') req.log.error({ err }, 'gateway request failed');
      if (reply.sent || reply.raw.headersSent) return;
      if (g.details.retryAfterSeconds !== undefined) reply.header('retry-after', String(g.details.retryAfterSeconds));
      return reply.code(g.status).send(g.body());
    });
    scope.addContentTypeParser(
      'multipart/form-data',
      { parseAs: 'buffer', bodyLimit: ctx.config.maxUploadBytes },
      (_req, body, done) => done(null, body),
    );
    const json = { bodyLimit: ctx.config.maxJsonBytes };
    scope.post('/v1/chat/completions', json, textHandler(ctx, 'chat'));
    scope.post('/v1/completions', json, textHandler(ctx, 'completion'));
    scope.post('/v1/images/generations', json, imageGenerationHandler(ctx));
    scope.post('/v1/images/edits', { bodyLimit: ctx.config.maxUploadBytes }, imageEditHandler(ctx));
    scope.post('/v1/audio/speech', json, speechHandler(ctx));
    scope.get('/v1/models', async (req) => {
      const p = await authenticate(platform, req).catch(() => undefined);
      if (!p) throw new GatewayError('unauthenticated', 'give a valid API key (Authorization: Bearer …)');
      return {
        object: 'list',
        data: ctx.routes.models().map((id) => ({ id, object: 'model', created: 0, owned_by: 'hegui' })),
      };
    });
    // Unguessable, short-lived and already labelled: the URL itself is the credential, as with upstream image URLs.
    scope.get(`${IMAGE_LINK_PATH}:token`, async (req, reply) => {
      const held = ctx.links.get((req.params as { token: string }).token);
      if (!held)
        return reply
          .code(404)
          .send(new GatewayError('invalid_request', 'this image link has expired or does not exist').body());
      return reply
        .header('content-type', held.contentType)
        .header('cache-control', 'private, max-age=60')
        .send(Buffer.from(held.bytes));
    });
  });
}

function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (isHeguiError(err)) {
    if (err.code === 'rate_limited') {
      const retryAfterSeconds = err.details['retryAfterSeconds'];
      return new GatewayError(
        'rate_limited',
        'too many requests; retry later',
        typeof retryAfterSeconds === 'number' ? { retryAfterSeconds } : {},
      );
    }
    if (err.code === 'unauthenticated') return new GatewayError('unauthenticated', err.message);
    if (['format_unknown', 'format_unsupported', 'malformed', 'truncated', 'oversize'].includes(err.code)) {
      return new GatewayError('upstream_error', 'the model server returned media that cannot be labelled');
    }
  }
  const fe = err as FastifyError;
  if (fe?.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new GatewayError('request_too_large', 'the request body is too large');
  if (fe?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return new GatewayError('invalid_request', 'unsupported content type');
  if (fe instanceof SyntaxError || fe?.statusCode === 400)
    return new GatewayError('invalid_request', 'the body is not valid JSON');
  return new GatewayError('internal', 'an internal error occurred; it has been logged');
}
