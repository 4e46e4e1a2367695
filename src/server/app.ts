/**
 * The HTTP server: fastify with the platform's routes, JSON errors with stable codes, rate limits on public routes,
 * /healthz (the process is up), /readyz (the store answers and the server is not shutting down) and the OpenAPI
 * document at /openapi.json built from the same route list.
 */
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { HeguiError } from '../errors.ts';
import type { Platform } from '../platform/platform.ts';
import { errorBody, sendError } from './http-errors.ts';
import { buildOpenApi } from './openapi.ts';
import { type RateLimit, RateLimiter } from './rate-limit.ts';
import { type AnyRoute, registerRoute, route } from './route.ts';
import { accountRoutes } from './routes/accounts.ts';
import { agreementRoutes } from './routes/agreements.ts';
import { apiKeyRoutes } from './routes/api-keys.ts';
import { authRoutes } from './routes/auth.ts';
import { gateRoutes } from './routes/gate.ts';
import { logRoutes } from './routes/log.ts';
import { verificationRoutes } from './routes/verification.ts';

export interface ServerOptions {
  logger: Logger;
  rateLimit: RateLimit;
  trustProxy?: boolean | string;
  /** Readiness probe: resolves when the store is reachable (default: the platform's stores.ping). */
  ready?: () => Promise<void>;
  version?: string;
  /** Routes of further slices (governance, duties, oversight: routes/*.ts), registered and documented like the others. */
  extraRoutes?: AnyRoute[];
  /** Where regulator exports made over the API are written (default ./data/exports). */
  exportsDir?: string;
}

export interface HeguiServer {
  app: FastifyInstance;
  routes: AnyRoute[];
  /** Marks the server as shutting down: /readyz answers 503 from now on. */
  markClosing(): void;
}

const READY_TIMEOUT_MS = 2000;

/**
 * One log line per request, written when it completes, with the request (method, URL, client) and the status, instead
 * of Fastify's two (incoming, then completed): half the lines to serialise and scrub on every request.
 */
class OneLineRequestLog extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(req)) return;
    const line = { req, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

export function buildServer(platform: Platform, o: ServerOptions): HeguiServer {
  const app = Fastify({
    loggerInstance: o.logger as FastifyBaseLogger,
    trustProxy: o.trustProxy ?? false,
    bodyLimit: 256 * 1024,
    return503OnClosing: true,
    logController: new OneLineRequestLog(),
  });
  let closing = false;
  const ready = o.ready ?? (() => platform.stores.ping());
  const limiter = new RateLimiter();
  const deps = { platform, limiter, defaultRateLimit: o.rateLimit };
  const routes: AnyRoute[] = [
    ...healthRoutes(() => closing, ready),
    ...authRoutes(platform),
    ...accountRoutes(platform),
    ...apiKeyRoutes(platform),
    ...verificationRoutes(platform),
    ...gateRoutes(platform),
    ...agreementRoutes(platform),
    ...(o.extraRoutes ?? []),
    ...logRoutes(platform, { exportsDir: o.exportsDir ?? './data/exports' }),
  ];
  const info = { title: 'Hegui platform API', version: o.version ?? '0.1.0' };
  let openapi: Record<string, unknown> | undefined;
  routes.push(
    route({
      method: 'GET',
      url: '/openapi.json',
      summary: 'This OpenAPI 3.1 document',
      tags: ['meta'],
      access: 'public',
      response: z.record(z.string(), z.unknown()),
      handler: async () => {
        openapi ??= buildOpenApi(routes, info);
        return openapi;
      },
    }),
  );
  app.setErrorHandler((err, req, reply) => sendError(err, req, reply));
  app.setNotFoundHandler((_req, reply) => reply.code(404).send(errorBody('not_found', 'no such route')));
  for (const r of routes) registerRoute(app, deps, r);
  return {
    app,
    routes,
    markClosing: () => {
      closing = true;
    },
  };
}

function healthRoutes(isClosing: () => boolean, ready: () => Promise<void>): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/healthz',
      summary: 'Liveness: the process is up',
      tags: ['meta'],
      access: 'public',
      response: z.object({ status: z.literal('ok') }),
      handler: async () => ({ status: 'ok' as const }),
    }),
    route({
      method: 'GET',
      url: '/readyz',
      summary: 'Readiness: the store answers and the server is not shutting down (503 otherwise)',
      tags: ['meta'],
      access: 'public',
      response: z.object({ status: z.literal('ready') }),
      handler: async () => {
        if (isClosing()) throw new HeguiError('unavailable', 'shutting down');
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            ready(),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS);
            }),
          ]);
        } catch {
          throw new HeguiError('unavailable', 'the store is not reachable');
        } finally {
          clearTimeout(timer);
        }
        return { status: 'ready' as const };
      },
    }),
  ];
}
