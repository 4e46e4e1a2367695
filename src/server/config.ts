/**
 * Server configuration: defaults, then an optional JSON file (`--config FILE`), then environment variables, then
 * command-line flags. Validated at start with zod; every problem is listed at once, with where the value came from,
 * and values are never echoed (they may be secrets).
 *
 * The default host is 127.0.0.1: a fresh install is reachable from this machine only. To expose it, set
 * HEGUI_HOST=0.0.0.0 (or a specific address), preferably behind a TLS-terminating reverse proxy, and set
 * HEGUI_TRUST_PROXY so client addresses (rate limits, login throttling) come from X-Forwarded-For.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { HeguiError } from '../errors.ts';
import { gatewayConfigSchema } from '../gateway/config.ts';
import { verificationConfigSchema } from '../platform/accounts/verification/configure.ts';
import { ASSURANCE_LEVELS } from '../platform/accounts/verification/provider.ts';
import { dutiesConfigSchema } from './duties-config.ts';

export const configSchema = z.object({
  port: z.number().int().min(0).max(65535).default(8080),
  host: z.string().min(1).default('127.0.0.1'),
  dataDir: z.string().min(1).default('./data'),
  /** PostgreSQL (postgres://…) instead of the SQLite file <dataDir>/hegui.sqlite. */
  databaseUrl: z.string().optional(),
  secretKey: z.string().optional(),
  secretKeyFile: z.string().optional(),
  admin: z
    .object({
      username: z.string().min(3).max(64).default('admin'),
      password: z.string().optional(),
    })
    .prefault({}),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** false, true (trust every proxy), or a comma-separated list of proxy addresses/CIDRs. */
  trustProxy: z.union([z.boolean(), z.string()]).default(false),
  nodeEnv: z.string().optional(),
  shutdownTimeoutMs: z.number().int().min(0).max(600_000).default(10_000),
  sessions: z
    .object({
      ttlMinutes: z.number().int().min(5).max(43_200).default(720),
      idleMinutes: z.number().int().min(1).max(43_200).default(120),
    })
    .prefault({}),
  loginThrottle: z
    .object({
      maxFailures: z.number().int().min(1).max(100).default(5),
      windowMinutes: z.number().int().min(1).max(1440).default(15),
    })
    .prefault({}),
  /** Token bucket per client address on public routes: burst size and sustained rate per minute. */
  rateLimit: z
    .object({
      burst: z.number().int().min(1).max(10_000).default(20),
      perMinute: z.number().int().min(1).max(100_000).default(60),
    })
    .prefault({}),
  totpIssuer: z.string().min(1).max(64).default('Hegui'),
  /** Lowest assurance level the publishing gate accepts (Art. 9 names SMS as sufficient: "low"). */
  minAssurance: z.enum(ASSURANCE_LEVELS).default('low'),
  verification: verificationConfigSchema,
  /** The tamper-evident log: checkpoint schedule, retention per record type (≥ 6 months), how often retention runs. */
  audit: z
    .object({
      checkpointEveryEntries: z.number().int().min(1).max(1_000_000).default(1000),
      checkpointEverySeconds: z.number().int().min(1).max(86_400).default(60),
      retention: z
        .object({ default: z.string().optional(), types: z.record(z.string(), z.string()).optional() })
        .default({}),
      retentionEveryMinutes: z.number().int().min(1).max(10_080).default(1440),
    })
    .prefault({}),
  agreements: z
    .object({
      /** Publish the shipped templates for document kinds that have no version yet (first start). */
      publishTemplates: z.boolean().default(true),
      /** Values for the templates' {{placeholders}}: operator.name, operator.contact, service.name, filing.number… */
      placeholders: z.record(z.string(), z.string()).default({}),
    })
    .prefault({}),
  /** The OpenAI-compatible compliance gateway (src/gateway/): off unless configured. */
  gateway: gatewayConfigSchema.optional(),
  /** Enforcement policy, complaint calendar and deadlines, rumour webhook (duties-config.ts). */
  duties: dutiesConfigSchema,
});
export type ServerConfig = z.infer<typeof configSchema>;

/** Environment variable → config path. Numbers and booleans are converted when they look like one. */
export const ENV_VARS: Record<string, string> = {
  HEGUI_PORT: 'port',
  HEGUI_HOST: 'host',
  HEGUI_DATA_DIR: 'dataDir',
  HEGUI_DATABASE_URL: 'databaseUrl',
  HEGUI_SECRET_KEY: 'secretKey',
  HEGUI_SECRET_KEY_FILE: 'secretKeyFile',
  HEGUI_ADMIN_USERNAME: 'admin.username',
  HEGUI_ADMIN_PASSWORD: 'admin.password',
  HEGUI_LOG_LEVEL: 'logLevel',
  HEGUI_TRUST_PROXY: 'trustProxy',
  HEGUI_SHUTDOWN_TIMEOUT_MS: 'shutdownTimeoutMs',
  HEGUI_SMS_PROVIDER: 'verification.sms.provider',
  HEGUI_MIN_ASSURANCE: 'minAssurance',
  NODE_ENV: 'nodeEnv',
};

export interface ConfigFlags {
  port?: string | undefined;
  data?: string | undefined;
  config?: string | undefined;
  host?: string | undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv, flags: ConfigFlags = {}): ServerConfig {
  const raw: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  const problems: string[] = [];
  if (flags.config) {
    let text: string | undefined;
    try {
      text = readFileSync(flags.config, 'utf8');
    } catch (e) {
      problems.push(`--config ${flags.config}: cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (text !== undefined) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
          problems.push(`--config ${flags.config}: must hold a JSON object`);
        } else Object.assign(raw, parsed);
      } catch {
        problems.push(`--config ${flags.config}: not valid JSON`);
      }
    }
  }
  for (const [name, path] of Object.entries(ENV_VARS)) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    setPath(raw, path, TYPED_PATHS.has(path) ? convert(v) : v);
    sources.set(path, name);
  }
  const flagValues: [string | undefined, string, string][] = [
    [flags.port, 'port', '--port'],
    [flags.data, 'dataDir', '--data'],
    [flags.host, 'host', '--host'],
  ];
  for (const [v, path, flag] of flagValues) {
    if (v === undefined) continue;
    setPath(raw, path, convert(v));
    sources.set(path, flag);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.join('.');
      const from = sources.get(path) ?? (flags.config ? `config file ${flags.config}` : 'defaults');
      problems.push(`${path || '(root)'} (from ${from}): ${issue.message}`);
    }
  }
  if (result.success && result.data.secretKey && result.data.secretKeyFile) {
    problems.push('secretKey and secretKeyFile are both set: give one (HEGUI_SECRET_KEY or HEGUI_SECRET_KEY_FILE)');
  }
  if (problems.length || !result.success) {
    throw new HeguiError(
      'config_invalid',
      `the configuration has ${problems.length} problem(s):\n- ${problems.join('\n- ')}`,
      {
        problems: problems.length,
      },
    );
  }
  return result.data;
}

/** Paths whose values are numbers or booleans; everything else from the environment stays a string. */
const TYPED_PATHS = new Set(['port', 'trustProxy', 'shutdownTimeoutMs']);

function convert(v: string): unknown {
  if (/^-?\d+$/.test(v)) return Number(v);
  if (v === 'true') return true;
  if (v === 'false') return false;
  return v;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    if (next === null || typeof next !== 'object') cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}
