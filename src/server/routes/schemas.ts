/** Response shapes shared by several routes. Only declared fields leave the server. */
import { z } from 'zod';
import { PERMISSIONS, ROLES } from '../../platform/auth/roles.ts';

export const idParam = z.object({ id: z.string().min(1).max(64) });

export const accountView = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  kind: z.enum(['staff', 'person', 'organisation']),
  role: z.enum(ROLES),
  status: z.enum(['active', 'disabled']),
  mustChangePassword: z.boolean(),
  totpEnabled: z.boolean(),
  identifiers: z
    .object({
      mobile: z.string().optional().describe('masked'),
      idNumber: z.string().optional().describe('masked'),
      realName: z.string().optional().describe('masked'),
      uscc: z.string().optional(),
    })
    .describe('masked identity numbers; never in clear'),
  createdAt: z.string(),
});

export const sessionTokenView = z.object({
  token: z.string().describe('session token; send as "Authorization: Bearer <token>"'),
  expiresAt: z.string(),
});

export const permissionEnum = z.enum(PERMISSIONS as [string, ...string[]]);

export const okView = z.object({ ok: z.literal(true) });

export const paging = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
