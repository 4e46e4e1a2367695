/**
 * Routes as data: method, path, the permission it needs (from the role table — there is no route without one, unless
 * it is explicitly public), zod schemas for params, query, body and response, and an optional rate limit. The adapter
 * authenticates, checks the permission, validates the input with zod, calls the handler, and passes the result through
 * the response schema (which drops any field not declared, so nothing leaks by accident). The same list produces the
 * OpenAPI document (openapi.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { HeguiError } from '../errors.ts';
import type { Principal } from '../platform/auth/principal.ts';
import type { Permission } from '../platform/auth/roles.ts';
import type { Platform } from '../platform/platform.ts';
import type { RateLimit, RateLimiter } from './rate-limit.ts';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The authenticated party; throws `unauthenticated` on a public route without credentials. */
  readonly principal: Principal;
  readonly maybePrincipal: Principal | undefined;
  req: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteSpec<P = unknown, Q = unknown, B = unknown, R = unknown> {
  method: HttpMethod;
  /** Fastify syntax: /api/staff/:id */
  url: string;
  summary: string;
  tags: string[];
  /** `public`, or the permission from the role table that the caller must hold. */
  access: 'public' | Permission;
  /** Only a session may call it (password, second factor): API keys are refused. */
  sessionOnly?: boolean;
  /** Usable while the account must still replace a one-time password. */
  allowDuringPasswordChange?: boolean;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  response: z.ZodType<R>;
  status?: number;
  rateLimit?: RateLimit | true;
  handler(ctx: RouteContext<P, Q, B>): Promise<R>;
}

/** Identity function that keeps the generic types together. */
export function route<P, Q, B, R>(spec: RouteSpec<P, Q, B, R>): RouteSpec<P, Q, B, R> {
  return spec;
}

export interface RouteDeps {
  platform: Platform;
  limiter: RateLimiter;
  defaultRateLimit: RateLimit;
}

export function credentialOf(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)$/i.exec(auth.trim());
    if (m) return m[1];
  }
  const key = req.headers['x-api-key'];
  return typeof key === 'string' && key !== '' ? key : undefined;
}

export async function authenticate(platform: Platform, req: FastifyRequest): Promise<Principal | undefined> {
  const token = credentialOf(req);
  if (!token) return undefined;
  const p = token.startsWith('hgk_')
    ? await platform.apiKeys.authenticate(token)
    : await platform.sessions.authenticate(token);
  if (!p) throw new HeguiError('unauthenticated', 'the session or API key is not valid (expired, revoked or unknown)');
  return p;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds routes of every type
export type AnyRoute = RouteSpec<any, any, any, any>;

export function registerRoute(app: FastifyInstance, deps: RouteDeps, spec: AnyRoute): void {
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (req, reply) => {
      if (spec.rateLimit) {
        const limit = spec.rateLimit === true ? deps.defaultRateLimit : spec.rateLimit;
        deps.limiter.take(`${spec.method} ${spec.url}|${req.ip}`, limit);
      }
      const principal = await authenticate(deps.platform, req);
      if (spec.access !== 'public') {
        if (!principal) throw new HeguiError('unauthenticated', 'sign in or give an API key');
        if (spec.sessionOnly && !principal.session) {
          throw new HeguiError('forbidden', 'this needs a signed-in session; API keys cannot do it');
        }
        if (principal.account.mustChangePassword && principal.session && !spec.allowDuringPasswordChange) {
          throw new HeguiError(
            'password_change_required',
            'replace the one-time password first (POST /api/auth/password)',
          );
        }
        if (!principal.permissions.has(spec.access)) {
          throw new HeguiError('forbidden', `this needs the permission "${spec.access}"`, { permission: spec.access });
        }
      }
      const ctx: RouteContext<unknown, unknown, unknown> = {
        params: spec.params ? spec.params.parse(req.params) : req.params,
        query: spec.query ? spec.query.parse(req.query) : req.query,
        body: spec.body ? spec.body.parse(req.body ?? {}) : undefined,
        get principal(): Principal {
          if (!principal) throw new HeguiError('unauthenticated', 'sign in or give an API key');
          return principal;
        },
        maybePrincipal: principal,
        req,
        reply,
      };
      const result = await spec.handler(ctx);
      const out = spec.response.parse(result);
      return reply.code(spec.status ?? 200).send(out);
    },
  });
}
