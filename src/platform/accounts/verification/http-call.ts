/**
 * A configurable HTTP call for providers run by someone else (SMS gateway, KYC service, business registry, national
 * network identity service): URL, method, headers, body template, timeout and retries come from the operator's
 * configuration. Placeholders `{{name}}` are filled from the call's values (escaped for JSON strings, URL components or
 * form fields, by where they stand); `{{env.NAME}}` reads an environment variable, so credentials stay out of the
 * config file. Errors name the step and the HTTP status — never the request or response body, which carry personal data.
 */
import { z } from 'zod';
import { HeguiError } from '../../../errors.ts';

export const httpCallSchema = z.object({
  url: z.url(),
  method: z.enum(['GET', 'POST', 'PUT']).default('POST'),
  headers: z.record(z.string(), z.string()).default({}),
  /** Body template; JSON unless a Content-Type header says application/x-www-form-urlencoded. */
  body: z.string().optional(),
  timeoutMs: z.number().int().min(100).max(120_000).default(5000),
  /** Further attempts after a network error, a timeout, 429 or 5xx (not after other 4xx). */
  retries: z.number().int().min(0).max(5).default(2),
  retryDelayMs: z.number().int().min(0).max(60_000).default(500),
});
export type HttpCallConfig = z.infer<typeof httpCallSchema>;

export interface HttpCallResult {
  status: number;
  json: unknown;
}

type Escape = (v: string) => string;
const jsonEscape: Escape = (v) => JSON.stringify(v).slice(1, -1);

export function fillTemplate(template: string, values: Record<string, string>, encode: Escape, step: string): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, (_, key: string) => {
    let v: string | undefined;
    if (key.startsWith('env.')) v = process.env[key.slice(4)];
    else v = values[key];
    if (v === undefined) throw new HeguiError('config_invalid', `${step}: placeholder {{${key}}} has no value`);
    return encode(v);
  });
}

/** Dotted path into parsed JSON: "data.result", "items.0.id". */
export function pickPath(json: unknown, path: string): unknown {
  let cur: unknown = json;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export async function callHttp(
  step: string,
  cfg: HttpCallConfig,
  values: Record<string, string>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<HttpCallResult> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(cfg.headers)) headers[k] = fillTemplate(v, values, (x) => x, step);
  const contentType = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  const form = contentType?.includes('application/x-www-form-urlencoded') === true;
  let body: string | undefined;
  if (cfg.body !== undefined && cfg.method !== 'GET') {
    body = fillTemplate(cfg.body, values, form ? encodeURIComponent : jsonEscape, step);
    if (!contentType) headers['content-type'] = 'application/json';
  }
  const url = fillTemplate(cfg.url, values, encodeURIComponent, step);
  let last = 'no attempt';
  for (let attempt = 0; attempt <= cfg.retries; attempt++) {
    if (attempt > 0) await sleep(cfg.retryDelayMs * 2 ** (attempt - 1));
    let res: Response;
    try {
      res = await fetch(url, {
        method: cfg.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(cfg.timeoutMs),
        redirect: 'error',
      });
    } catch (e) {
      last = (e as Error).name === 'TimeoutError' ? 'timed out' : 'could not connect';
      continue;
    }
    const text = await res.text().catch(() => '');
    if (res.status === 429 || res.status >= 500) {
      last = `answered HTTP ${res.status}`;
      continue;
    }
    if (res.status >= 400) {
      throw new HeguiError('verification_unavailable', `${step}: the service answered HTTP ${res.status}`, {
        status: res.status,
      });
    }
    let json: unknown = null;
    if (text.trim() !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
    }
    return { status: res.status, json };
  }
  throw new HeguiError('verification_unavailable', `${step}: the service ${last} (after ${cfg.retries + 1} attempts)`);
}
