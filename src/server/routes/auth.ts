/** Sign-in, sign-out, own account, password change and the optional TOTP second factor. */
import { z } from 'zod';
import { viewAccount } from '../../platform/accounts/account.ts';
import { MAX_PASSWORD_LENGTH } from '../../platform/auth/password-policy.ts';
import { permissionsOf } from '../../platform/auth/roles.ts';
import type { Platform } from '../../platform/platform.ts';
import { type AnyRoute, route } from '../route.ts';
import { accountView, okView, permissionEnum, sessionTokenView } from './schemas.ts';

const password = z.string().min(1).max(MAX_PASSWORD_LENGTH);
const totpCode = z.string().regex(/^\d{6}$/, 'six digits');
const rotated = z.object({ token: z.string().optional().describe('the new session token (the old one ended)') });

export function authRoutes(p: Platform): AnyRoute[] {
  return [
    route({
      method: 'POST',
      url: '/api/auth/login',
      summary: 'Sign in with user name and password (and the TOTP code if the account has one)',
      tags: ['auth'],
      access: 'public',
      rateLimit: true,
      body: z.object({ username: z.string().min(1).max(64), password, totp: totpCode.optional() }),
      response: sessionTokenView.extend({ account: accountView }),
      handler: async ({ body, req }) => {
        const r = await p.login.login({ ...body, ip: req.ip });
        return { token: r.token, expiresAt: r.session.expiresAt, account: viewAccount(r.account) };
      },
    }),
    route({
      method: 'POST',
      url: '/api/auth/logout',
      summary: 'End this session',
      tags: ['auth'],
      access: 'self.read',
      sessionOnly: true,
      allowDuringPasswordChange: true,
      response: okView,
      handler: async ({ principal }) => {
        await p.login.logout(principal);
        return { ok: true as const };
      },
    }),
    route({
      method: 'GET',
      url: '/api/auth/me',
      summary: 'The signed-in account, its permissions and how it signed in',
      tags: ['auth'],
      access: 'self.read',
      allowDuringPasswordChange: true,
      response: z.object({
        account: accountView,
        permissions: z.array(permissionEnum),
        via: z.enum(['session', 'api_key']),
        factors: z.enum(['password', 'password+totp']).optional(),
      }),
      handler: async ({ principal }) => ({
        account: viewAccount(principal.account),
        permissions: principal.apiKey ? [...principal.permissions] : permissionsOf(principal.account.role),
        via: principal.apiKey ? ('api_key' as const) : ('session' as const),
        ...(principal.session ? { factors: principal.session.factors } : {}),
      }),
    }),
    route({
      method: 'POST',
      url: '/api/auth/password',
      summary: 'Change own password (ends other sessions, rotates this one)',
      tags: ['auth'],
      access: 'self.security',
      sessionOnly: true,
      allowDuringPasswordChange: true,
      rateLimit: true,
      body: z.object({ currentPassword: password, newPassword: password }),
      response: rotated,
      handler: ({ principal, body }) => p.login.changePassword(principal, body.currentPassword, body.newPassword),
    }),
    route({
      method: 'POST',
      url: '/api/auth/totp/enrol',
      summary: 'Start TOTP enrolment: the secret and otpauth:// URI, shown once',
      tags: ['auth'],
      access: 'self.security',
      sessionOnly: true,
      response: z.object({ secret: z.string().describe('Base32'), otpauthUri: z.string() }),
      handler: ({ principal }) => p.totp.enrol(principal),
    }),
    route({
      method: 'POST',
      url: '/api/auth/totp/confirm',
      summary: 'Confirm TOTP enrolment with a first code (then required at every sign-in)',
      tags: ['auth'],
      access: 'self.security',
      sessionOnly: true,
      rateLimit: true,
      body: z.object({ code: totpCode }),
      response: rotated,
      handler: ({ principal, body }) => p.totp.confirm(principal, body.code),
    }),
    route({
      method: 'POST',
      url: '/api/auth/totp/disable',
      summary: 'Remove the TOTP second factor (password and a current code)',
      tags: ['auth'],
      access: 'self.security',
      sessionOnly: true,
      rateLimit: true,
      body: z.object({ password, code: totpCode }),
      response: rotated,
      handler: ({ principal, body }) => p.totp.disable(principal, body.password, body.code),
    }),
  ];
}
