/**
 * Errors as OpenAI-compatible clients expect them: `{ error: { message, type, code } }` with the HTTP status the
 * official clients map to their exception classes. Codes are stable; messages are for the end user and never say
 * which library entry matched (staff read that in the audit event).
 */
export type GatewayErrorCode =
  | 'invalid_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'real_name_required'
  | 'agreement_required'
  | 'account_disabled'
  | 'account_suspended'
  | 'account_closed'
  | 'function_restricted'
  | 'publishing_stopped'
  | 'consent_required'
  | 'input_blocked'
  | 'output_blocked'
  | 'model_not_found'
  | 'request_too_large'
  | 'rate_limited'
  | 'upstream_error'
  | 'upstream_timeout'
  | 'unavailable'
  | 'internal';

const STATUS: Record<GatewayErrorCode, number> = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  real_name_required: 403,
  agreement_required: 403,
  account_disabled: 403,
  account_suspended: 403,
  account_closed: 403,
  function_restricted: 403,
  publishing_stopped: 403,
  consent_required: 403,
  input_blocked: 400,
  output_blocked: 400,
  model_not_found: 404,
  request_too_large: 413,
  rate_limited: 429,
  upstream_error: 502,
  upstream_timeout: 504,
  unavailable: 503,
  internal: 500,
};

const TYPE: Partial<Record<GatewayErrorCode, string>> = {
  unauthenticated: 'authentication_error',
  input_blocked: 'content_filter',
  output_blocked: 'content_filter',
  rate_limited: 'rate_limit_error',
  upstream_error: 'upstream_error',
  upstream_timeout: 'upstream_error',
  unavailable: 'server_error',
  internal: 'server_error',
};

export class GatewayError extends Error {
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    /** For `rate_limited`: sent as Retry-After. */
    readonly details: { retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'GatewayError';
  }

  get status(): number {
    return STATUS[this.code];
  }

  body(): { error: { message: string; type: string; code: string; param: null } } {
    return {
      error: { message: this.message, type: TYPE[this.code] ?? 'invalid_request_error', code: this.code, param: null },
    };
  }
}

export const INPUT_BLOCKED_MESSAGE =
  'the request was refused by content review: it contains content that may not be generated under the service rules';
export const OUTPUT_BLOCKED_MESSAGE =
  'the generated content was withheld by content review: it contains content that may not be published';
