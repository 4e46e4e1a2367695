/**
 * API keys: each account with `api_keys.own` manages its own; admins (`api_keys.any`) any account's; auditors
 * (`api_keys.read`) list them all. The key is returned once, at creation.
 */
import { z } from 'zod';
import { HeguiError } from '../../errors.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import type { Permission } from '../../platform/auth/roles.ts';
import type { Platform } from '../../platform/platform.ts';
import { type AnyRoute, route } from '../route.ts';
import { idParam, okView, permissionEnum } from './schemas.ts';

const keyView = z.object({
  id: z.string(),
  accountId: z.string(),
  name: z.string(),
  prefix: z.string().describe('public part of the key, to recognise it'),
  scopes: z.array(permissionEnum),
  createdAt: z.string(),
  expiresAt: z.string().optional(),
  lastUsedAt: z.string().optional(),
  revokedAt: z.string().optional(),
});

const canManageAny = (pr: Principal) => pr.permissions.has('api_keys.any');

export function apiKeyRoutes(p: Platform): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/api-keys',
      summary: "List own API keys (admins: ?accountId= for another account's)",
      tags: ['api-keys'],
      access: 'api_keys.own',
      query: z.object({ accountId: z.string().optional() }),
      response: z.object({ keys: z.array(keyView) }),
      handler: async ({ principal, query }) => {
        const accountId = query.accountId ?? principal.account.id;
        if (accountId !== principal.account.id && !canManageAny(principal)) {
          throw new HeguiError('forbidden', 'listing another account\'s keys needs "api_keys.any"', {
            permission: 'api_keys.any',
          });
        }
        return { keys: await p.apiKeys.list({ accountId }) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/admin/api-keys',
      summary: 'List every API key (never the secrets)',
      tags: ['api-keys'],
      access: 'api_keys.read',
      response: z.object({ keys: z.array(keyView) }),
      handler: async () => ({ keys: await p.apiKeys.list() }),
    }),
    route({
      method: 'POST',
      url: '/api/api-keys',
      summary: 'Create an API key; the key is in this answer only',
      tags: ['api-keys'],
      access: 'api_keys.own',
      status: 201,
      body: z.object({
        name: z.string().min(1).max(100),
        scopes: z.array(permissionEnum).min(1),
        accountId: z.string().optional().describe('another account (needs api_keys.any)'),
        expiresAt: z.iso.datetime().optional(),
      }),
      response: z.object({ key: keyView, token: z.string().describe('the API key; shown once') }),
      handler: async ({ principal, body }) => {
        const accountId = body.accountId ?? principal.account.id;
        if (accountId !== principal.account.id && !canManageAny(principal)) {
          throw new HeguiError('forbidden', 'creating a key for another account needs "api_keys.any"', {
            permission: 'api_keys.any',
          });
        }
        return p.apiKeys.create(principal.actor, {
          accountId,
          name: body.name,
          scopes: body.scopes as Permission[],
          expiresAt: body.expiresAt,
        });
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/api-keys/:id',
      summary: 'Revoke an API key',
      tags: ['api-keys'],
      access: 'api_keys.own',
      params: idParam,
      response: okView,
      handler: async ({ principal, params }) => {
        const k = await p.apiKeys.get(params.id);
        if (!k || (k.accountId !== principal.account.id && !canManageAny(principal))) {
          throw new HeguiError('not_found', 'no such API key');
        }
        await p.apiKeys.revoke(principal.actor, params.id);
        return { ok: true as const };
      },
    }),
  ];
}
