/**
 * Errors are values with a stable code and a message a user can act on.
 * A message never contains file bytes, label values, ID numbers or secrets: only names, sizes and offsets.
 */
export type HeguiErrorCode =
  | 'format_unknown' // no codec recognises the bytes
  | 'format_unsupported' // recognised, but this operation or variant is not supported (e.g. RF64, encrypted PDF)
  | 'truncated' // a structure claims more bytes than the file has
  | 'malformed' // a structure is inconsistent (bad magic, bad length, bad nesting)
  | 'oversize' // a structure exceeds a bound this reader accepts
  | 'label_invalid' // the label to write does not pass validation
  | 'label_duplicate' // the input already carries more than one label where one was expected
  | 'readback_failed' // the written output did not read back with exactly the label written
  | 'label_text_invalid' // an explicit label text lacks the AI or generation element (GB 45438 §5), or cannot be drawn
  | 'label_unfit' // the medium is too small to hold a legible explicit label
  | 'tool_failed' // an external tool (ffmpeg, ffprobe) failed; the message summarises its last error lines
  | 'io' // the file system refused
  | 'usage' // a caller passed arguments that cannot work
  | 'policy_invalid' // a labelling policy does not pass validation (the message lists every problem with its path)
  | 'not_permitted' // the labelling policy does not permit this (e.g. content without its explicit label, Measures Art. 9)
  // Platform (server, accounts, verification). Each has one HTTP status (src/server/http-errors.ts).
  | 'invalid_request' // the request does not match its schema (details list the fields)
  | 'unauthenticated' // no valid session or API key
  | 'credentials_invalid' // wrong user name or password (never says which)
  | 'totp_required' // the account has a second factor and the login did not give a code
  | 'totp_invalid' // the one-time code is wrong, expired or already used
  | 'password_change_required' // a one-time password must be replaced before anything else
  | 'password_weak' // the new password fails the policy (details say which rule)
  | 'forbidden' // authenticated, but the role or API-key scope does not allow this
  | 'not_found' // no such resource (or not visible to the caller)
  | 'conflict' // the resource exists already or is in a state that does not allow this
  | 'rate_limited' // too many requests; Retry-After says when to come back
  | 'verification_failed' // a real-name verification step did not succeed
  | 'verification_expired' // the challenge is past its expiry or out of attempts
  | 'verification_unavailable' // the method is not configured, or its provider did not answer
  | 'real_name_required' // Provisions Art. 9: publishing needs a verified identity
  | 'agreement_required' // Provisions Art. 8: the current user agreement must be accepted
  | 'account_disabled' // the account is disabled
  | 'account_suspended' // Provisions Art. 10: the account is suspended until a time
  | 'account_closed' // Provisions Art. 10: the account was closed
  | 'function_restricted' // Provisions Art. 10: this function (publish, face-edit, …) is restricted for the account
  | 'config_invalid' // the server configuration has problems (details list them)
  | 'secret_key_missing' // no usable key for encrypting personal information
  | 'unavailable' // a dependency (store, provider) is not reachable
  | 'consent_required' // Provisions Art. 14: a face or voice edit needs the subject's valid, in-scope consent
  | 'assessment_required' // Provisions Art. 15, 20: a flagged capability needs a valid security assessment
  | 'publishing_stopped' // Provisions Art. 7, 21: the emergency switch stops publishing for this scope
  | 'internal'; // an unexpected failure; the message says nothing more

export class HeguiError extends Error {
  readonly code: HeguiErrorCode;
  /** Extra machine-readable facts (offsets, sizes, names); never content. */
  readonly details: Readonly<Record<string, string | number | boolean>>;

  constructor(code: HeguiErrorCode, message: string, details: Record<string, string | number | boolean> = {}) {
    super(message);
    this.name = 'HeguiError';
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: HeguiErrorCode; message: string; details: Record<string, string | number | boolean> } {
    return { code: this.code, message: this.message, details: { ...this.details } };
  }
}

export function isHeguiError(e: unknown): e is HeguiError {
  return e instanceof HeguiError;
}

export const truncated = (what: string, offset: number, needed?: number): HeguiError =>
  new HeguiError('truncated', `${what} runs past the end of the file (at byte ${offset})`, {
    offset,
    ...(needed === undefined ? {} : { needed }),
  });

export const malformed = (what: string, offset?: number): HeguiError =>
  new HeguiError(
    'malformed',
    offset === undefined ? what : `${what} (at byte ${offset})`,
    offset === undefined ? {} : { offset },
  );

export const oversize = (what: string, size: number, limit: number): HeguiError =>
  new HeguiError('oversize', `${what} is ${size} bytes, over the limit of ${limit}`, { size, limit });
