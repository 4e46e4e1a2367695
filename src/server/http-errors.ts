/**
 * One JSON shape for every error: `{ error: { code, message, details? } }`, with a stable code and the HTTP status
 * that code always has. Messages come from our own code (which never puts personal data or secrets in them) or from a
 * fixed table; an unexpected error answers `internal` and is logged, never shown. Validation errors list the fields.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type HeguiErrorCode, isHeguiError } from '../errors.ts';
import { scrubText } from '../platform/pii/redact.ts';

export const STATUS_OF: Record<HeguiErrorCode, number> = {
  format_unknown: 415,
  format_unsupported: 415,
  truncated: 400,
  malformed: 400,
  oversize: 413,
  label_invalid: 422,
  label_duplicate: 422,
  readback_failed: 500,
  label_text_invalid: 422,
  label_unfit: 422,
  tool_failed: 502,
  io: 500,
  usage: 400,
  policy_invalid: 422,
  not_permitted: 403,
  invalid_request: 400,
  unauthenticated: 401,
  credentials_invalid: 401,
  totp_required: 401,
  totp_invalid: 401,
  password_change_required: 403,
  password_weak: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  verification_failed: 422,
  verification_expired: 410,
  verification_unavailable: 503,
  real_name_required: 403,
  agreement_required: 403,
  account_disabled: 403,
  account_suspended: 403,
  account_closed: 403,
  function_restricted: 403,
  config_invalid: 500,
  secret_key_missing: 500,
  unavailable: 503,
  consent_required: 403,
  assessment_required: 409,
  publishing_stopped: 403,
  internal: 500,
};

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string().describe('stable error code'),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export function errorBody(code: string, message: string, details?: Record<string, unknown>): ErrorBody {
  return { error: { code, message, ...(details && Object.keys(details).length ? { details } : {}) } };
}

/** Fastify's own 4xx errors, by code, with messages that never quote the request. */
const FASTIFY_ERRORS: Record<string, [number, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported content type; send application/json'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'the request body is too large'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'the JSON body is empty'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'the content length does not match the body'],
  FST_ERR_CTP_EMPTY_TYPE: [400, 'the content type is empty'],
  FST_ERR_CTP_INVALID_TYPE: [400, 'the content type is not valid'],
};

export function sendError(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (isHeguiError(err)) {
    const status = STATUS_OF[err.code] ?? 500;
    const details: Record<string, unknown> = { ...err.details };
    if (err.code === 'rate_limited' && typeof details['retryAfterSeconds'] === 'number') {
      reply.header('retry-after', String(details['retryAfterSeconds']));
    }
    if (status === 401) reply.header('www-authenticate', 'Bearer');
    if (status >= 500) req.log.error({ code: err.code, err }, 'request failed');
    return reply.code(status).send(errorBody(err.code, scrubText(err.message), details));
  }
  if (err instanceof z.ZodError) {
    const fields = err.issues.map((i) => ({ path: i.path.join('.'), message: scrubText(i.message) }));
    return reply.code(400).send(errorBody('invalid_request', 'the request does not match its schema', { fields }));
  }
  const fe = err as FastifyError;
  const known = fe?.code ? FASTIFY_ERRORS[fe.code] : undefined;
  if (known) return reply.code(known[0]).send(errorBody('invalid_request', known[1]));
  if (fe instanceof SyntaxError || fe?.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe?.statusCode === 400) {
    // JSON.parse messages quote the body: never repeated.
    return reply.code(400).send(errorBody('invalid_request', 'the body is not valid JSON'));
  }
  req.log.error({ err }, 'unexpected error');
  return reply.code(500).send(errorBody('internal', 'an internal error occurred; it has been logged'));
}
