/**
 * OpenAPI 3.1 document built from the registered routes: zod 4 schemas converted with `z.toJSONSchema` (JSON Schema
 * 2020-12, which OpenAPI 3.1 uses as is). Every protected operation names its permission in `x-permission`.
 */
import { z } from 'zod';
import { PERMISSION_TABLE } from '../platform/auth/roles.ts';
import { errorBodySchema } from './http-errors.ts';
import type { AnyRoute } from './route.ts';

type Json = Record<string, unknown>;

function schemaOf(s: z.ZodType, io: 'input' | 'output'): Json {
  const j = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete j['$schema'];
  return j;
}

function parametersOf(s: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!s) return [];
  const j = schemaOf(s, 'input');
  const props = (j['properties'] ?? {}) as Record<string, Json>;
  const required = new Set((j['required'] ?? []) as string[]);
  return Object.entries(props).map(([name, schema]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema,
    ...(typeof schema['description'] === 'string' ? { description: schema['description'] } : {}),
  }));
}

const ERROR_RESPONSE = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

export function buildOpenApi(routes: AnyRoute[], info: { title: string; version: string }): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const responses: Record<string, Json> = {
      [String(r.status ?? 200)]: {
        description: 'success',
        content: { 'application/json': { schema: schemaOf(r.response, 'output') } },
      },
      '400': { description: 'invalid_request: the fields that do not match', ...ERROR_RESPONSE },
    };
    if (r.access !== 'public') {
      responses['401'] = { description: 'unauthenticated', ...ERROR_RESPONSE };
      responses['403'] = { description: 'forbidden, password_change_required', ...ERROR_RESPONSE };
    }
    if (r.rateLimit) responses['429'] = { description: 'rate_limited (see Retry-After)', ...ERROR_RESPONSE };
    const op: Json = {
      summary: r.summary,
      tags: r.tags,
      operationId: `${r.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string) => (c ?? '').toUpperCase())}`,
      parameters: [...parametersOf(r.params, 'path'), ...parametersOf(r.query, 'query')],
      responses,
    };
    if (r.body) {
      op['requestBody'] = { required: true, content: { 'application/json': { schema: schemaOf(r.body, 'input') } } };
    }
    if (r.access !== 'public') {
      op['security'] = [{ bearer: [] }, { apiKey: [] }];
      op['x-permission'] = r.access;
      op['description'] = `Needs the permission \`${r.access}\` (${PERMISSION_TABLE[r.access].about}).`;
    }
    paths[path] ??= {};
    paths[path]![r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas: { Error: schemaOf(errorBodySchema, 'output') },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'a session token (hgs_…) or an API key (hgk_…)' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      },
    },
  };
}
