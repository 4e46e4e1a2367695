/**
 * Keeps ID numbers and mobile numbers out of log lines (Provisions Art. 9 data; PIPL Art. 51). Two layers:
 *  - `redactFields`: fields known to carry secrets or identifiers are replaced, at any depth (pino `formatters.log`);
 *  - `scrubText`: applied to every serialised line (pino `hooks.streamWrite`), so a number that slips into a message,
 *    an error or an unexpected field is replaced wherever it is.
 * The patterns are deliberately wide (any 18-character ID shape, any 11-digit 1[3-9] number, with or without +86 or
 * separators): a false positive costs a log detail, a false negative leaks personal information.
 */

/**
 * Fields whose values never reach a log line, at whatever depth of a logged object they sit: bodies, headers and
 * fields that carry passwords, tokens or identity numbers. Matched by exact (case-insensitive) name.
 */
export const REDACTED_FIELDS: readonly string[] = [
  'authorization',
  'cookie',
  'x-api-key',
  'set-cookie',
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'secret',
  'totp',
  'idNumber',
  'mobile',
  'phone',
  'fullName',
  'otp',
  'realName',
  'body',
];
const REDACTED_FIELD_SET = new Set(REDACTED_FIELDS.map((f) => f.toLowerCase()));
export const REDACTED_FIELD = '[redacted]';
/** How deep `redactFields` looks into a logged object; deeper values are replaced whole. */
const MAX_FIELD_DEPTH = 8;

/**
 * The logged object with every field of `REDACTED_FIELDS` replaced by `[redacted]`, in plain objects and arrays at any
 * depth (up to 8; anything deeper is replaced whole). Copy on write: an object with nothing to redact is returned
 * as it is, so the common log line allocates nothing here. Class instances (a request, an error, a buffer) are left
 * to their serialisers, whose output is scrubbed like every line (`scrubText`).
 */
export function redactFields<T extends object>(obj: T): T {
  return redactIn(obj, 0) as T;
}

function isPlain(v: object): boolean {
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function redactIn(v: object, depth: number): unknown {
  if (!isPlain(v)) return v;
  if (depth >= MAX_FIELD_DEPTH) return REDACTED_FIELD;
  let out: Record<string, unknown> | unknown[] | undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (x === null || typeof x !== 'object') continue;
      const r = redactIn(x, depth + 1);
      if (r !== x) {
        out ??= v.slice();
        (out as unknown[])[i] = r;
      }
    }
    return out ?? v;
  }
  const rec = v as Record<string, unknown>;
  for (const k in rec) {
    if (!Object.hasOwn(rec, k)) continue;
    const x = rec[k];
    let r: unknown = x;
    if (REDACTED_FIELD_SET.has(k.toLowerCase())) r = x === undefined ? x : REDACTED_FIELD;
    else if (x !== null && typeof x === 'object') r = redactIn(x, depth + 1);
    if (r !== x) {
      out ??= { ...rec };
      (out as Record<string, unknown>)[k] = r;
    }
  }
  return out ?? v;
}

export const REDACTED_ID = '[redacted-id]';
export const REDACTED_MOBILE = '[redacted-mobile]';

// 18-character resident-ID family (last may be X/x) and 15-digit first-generation numbers, not inside a longer run of
// digits; letters around them do not protect them ("ID110105…"). Separators inside are tolerated (110105 19491231 002X).
// Digits after a decimal point are a fraction (a response time), not a number of this kind.
const ID_18 = /(?<!\d|\d\.)\d{6}[\s-]?\d{8}[\s-]?\d{3}[\dXx](?!\d|\.\d)/g;
const ID_15 = /(?<!\d|\d\.)\d{15}(?!\d|\.\d)/g;
// Mainland mobiles: optional +86/0086/86, then 1[3-9] and nine digits, optionally grouped 3-4-4 by spaces or hyphens.
const MOBILE = /(?<!\d|\d\.)(?:(?:\+|00)?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d|\.\d)/g;
// Full-width digits are folded before matching, since the identity validators accept them too.
const FULL_WIDTH = /[０-９Ｘｘ＋]/;

export function scrubText(s: string): string {
  let t = s;
  if (FULL_WIDTH.test(t)) t = t.replace(/[０-９Ｘｘ＋]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  return t.replace(ID_18, REDACTED_ID).replace(ID_15, REDACTED_ID).replace(MOBILE, REDACTED_MOBILE);
}

/** Whether a text still contains something that looks like an ID number or a mobile number. */
export function containsIdentifier(s: string): boolean {
  return scrubText(s) !== s;
}

/**
 * Deep copy with every string (and every integer that reads as a number of these kinds) scrubbed: for values that
 * leave the process other than through the logger, such as an exported report.
 */
export function redact<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return scrubText(value) as T;
  if (typeof value === 'number' && Number.isInteger(value)) {
    const s = String(value);
    return (scrubText(s) === s ? value : scrubText(s)) as T;
  }
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redact(v, depth + 1);
  return out as T;
}
