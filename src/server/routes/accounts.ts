/** End-user registration; staff management (admin); end-user listing (staff, masked). */
import { z } from 'zod';
import { HeguiError } from '../../errors.ts';
import { viewAccount } from '../../platform/accounts/account.ts';
import { MAX_PASSWORD_LENGTH } from '../../platform/auth/password-policy.ts';
import { STAFF_ROLES } from '../../platform/auth/roles.ts';
import type { Platform } from '../../platform/platform.ts';
import { type AnyRoute, route } from '../route.ts';
import { accountView, idParam, paging, sessionTokenView } from './schemas.ts';

const username = z.string().min(3).max(64);
const displayName = z.string().min(1).max(100);
const oneTime = z.string().optional().describe('one-time password, shown once; must be changed at first sign-in');

export function accountRoutes(p: Platform): AnyRoute[] {
  return [
    route({
      method: 'POST',
      url: '/api/users/register',
      summary: 'Register an end-user account (a person or an organisation); real-name verification follows',
      tags: ['users'],
      access: 'public',
      rateLimit: true,
      status: 201,
      body: z.object({
        username,
        password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
        kind: z.enum(['person', 'organisation']).default('person'),
        displayName: displayName.optional(),
      }),
      response: sessionTokenView.extend({ account: accountView }),
      handler: async ({ body, req }) => {
        const account = await p.accounts.register({ kind: 'anonymous', ip: req.ip }, body);
        const r = await p.login.login({ username: account.username, password: body.password, ip: req.ip });
        return { token: r.token, expiresAt: r.session.expiresAt, account: viewAccount(r.account) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/staff',
      summary: 'List staff accounts',
      tags: ['staff'],
      access: 'staff.read',
      query: paging,
      response: z.object({ accounts: z.array(accountView) }),
      handler: async ({ query }) => ({
        accounts: (await p.accounts.list(['staff'], query.limit, query.offset)).map(viewAccount),
      }),
    }),
    route({
      method: 'POST',
      url: '/api/staff',
      summary: 'Create a staff account (without a password: a one-time password is returned once)',
      tags: ['staff'],
      access: 'staff.manage',
      status: 201,
      body: z.object({
        username,
        displayName: displayName.optional(),
        role: z.enum(STAFF_ROLES),
        password: z.string().min(1).max(MAX_PASSWORD_LENGTH).optional(),
      }),
      response: z.object({ account: accountView, oneTimePassword: oneTime }),
      handler: async ({ principal, body }) => {
        const r = await p.accounts.createStaff(principal.actor, body);
        return {
          account: viewAccount(r.account),
          ...(r.oneTimePassword ? { oneTimePassword: r.oneTimePassword } : {}),
        };
      },
    }),
    route({
      method: 'PATCH',
      url: '/api/staff/:id',
      summary: "Change a staff account's role, status or display name (ends its sessions on role or status change)",
      tags: ['staff'],
      access: 'staff.manage',
      params: idParam,
      body: z.object({
        role: z.enum(STAFF_ROLES).optional(),
        status: z.enum(['active', 'disabled']).optional(),
        displayName: displayName.optional(),
      }),
      response: accountView,
      handler: async ({ principal, params, body }) => {
        await requireKind(p, params.id, 'staff');
        return viewAccount(await p.accounts.update(principal.actor, params.id, body));
      },
    }),
    route({
      method: 'POST',
      url: '/api/staff/:id/reset-password',
      summary: "Reset a staff account's password to a one-time password (returned once)",
      tags: ['staff'],
      access: 'staff.manage',
      params: idParam,
      response: z.object({ oneTimePassword: z.string() }),
      handler: async ({ principal, params }) => {
        await requireKind(p, params.id, 'staff');
        return p.accounts.resetPassword(principal.actor, params.id);
      },
    }),
    route({
      method: 'GET',
      url: '/api/users',
      summary: 'List end-user accounts (identity numbers masked)',
      tags: ['users'],
      access: 'users.read',
      query: paging,
      response: z.object({ accounts: z.array(accountView) }),
      handler: async ({ query }) => ({
        accounts: (await p.accounts.list(['person', 'organisation'], query.limit, query.offset)).map(viewAccount),
      }),
    }),
    route({
      method: 'GET',
      url: '/api/users/:id',
      summary: 'One end-user account (identity numbers masked)',
      tags: ['users'],
      access: 'users.read',
      params: idParam,
      response: accountView,
      handler: async ({ params }) => viewAccount(await requireKind(p, params.id, 'user')),
    }),
    route({
      method: 'PATCH',
      url: '/api/users/:id',
      summary: 'Disable or enable an end-user account',
      tags: ['users'],
      access: 'users.manage',
      params: idParam,
      body: z.object({ status: z.enum(['active', 'disabled']) }),
      response: accountView,
      handler: async ({ principal, params, body }) => {
        await requireKind(p, params.id, 'user');
        return viewAccount(await p.accounts.update(principal.actor, params.id, body));
      },
    }),
  ];
}

async function requireKind(p: Platform, id: string, kind: 'staff' | 'user') {
  const a = await p.accounts.get(id);
  if (!a || (kind === 'staff') !== (a.kind === 'staff')) {
    throw new HeguiError('not_found', kind === 'staff' ? 'no such staff account' : 'no such user');
  }
  return a;
}
