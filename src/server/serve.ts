/**
 * `hegui serve`: configuration → key ring → stores → platform → first-start setup → HTTP server, with graceful
 * shutdown on SIGTERM/SIGINT: stop accepting, let in-flight requests finish until the deadline, then close the stores.
 */
import type { Logger } from 'pino';
import { HeguiError, isHeguiError } from '../errors.ts';
import { createGateway, type Gateway, type GatewayParts } from '../gateway/create-gateway.ts';
import { registerGateway } from '../gateway/register.ts';
import { SYSTEM } from '../platform/actor.ts';
import type { DutySlices } from '../platform/duty-slices.ts';
import { type Governance, openGovernance } from '../platform/governance.ts';
import type { Oversight } from '../platform/oversight.ts';
import { PiiCipher } from '../platform/pii/pii-cipher.ts';
import { IdentifierProtector } from '../platform/pii/protected-identifier.ts';
import { createPlatform, type Platform } from '../platform/platform.ts';
import type { PlatformStores } from '../platform/stores.ts';
import { openStore, type Store } from '../store/index.ts';
import { buildServer, type HeguiServer } from './app.ts';
import type { ServerConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { openDuties } from './open-duties.ts';
import { openStores } from './open-stores.ts';
import { dutyRoutes } from './routes/duties.ts';
import { governanceRoutes } from './routes/governance.ts';
import { oversightRoutes } from './routes/oversight.ts';
import { setUpKeyRing } from './secret-key-setup.ts';

export interface RunningServer {
  url: string;
  server: HeguiServer;
  platform: Platform;
  /** The compliance gateway, when `gateway` is configured. */
  gateway?: Gateway;
  /** Graceful shutdown; resolves when connections and stores are closed. Safe to call more than once. */
  shutdown(reason?: string): Promise<void>;
  /** Resolves once the server has shut down. */
  closed: Promise<void>;
}

export interface StartOptions {
  /** Where the start-up notices go (the one-time admin password among them): stdout by default. */
  print?: (line: string) => void;
  logger?: Logger;
  /** Use these stores instead of openStores(config) (tests). */
  stores?: PlatformStores;
  /** The governance duties over this SQL store (tests); default: the store the configuration names. */
  governance?: Governance;
  /** The duty slices on the SQL store (enforcement, complaints, rumours): their gate checks and routes. */
  duties?: DutySlices;
  /** Install SIGTERM/SIGINT handlers (the CLI does; tests call shutdown()). */
  handleSignals?: boolean;
  /** Gateway parts (access checks, consent) and the SQL store for its log (default: opened from the config). */
  gateway?: GatewayParts & { store?: Store };
  /**
   * The oversight duties (consent, training data, filings, emergency switch) over a SQL store and its audit log
   * (createOversight); their routes are served and their checks join the publishing gate. The caller closes the store.
   */
  oversight?: (deps: { protector: IdentifierProtector }) => Promise<Oversight> | Oversight;
}

export async function startServer(config: ServerConfig, o: StartOptions = {}): Promise<RunningServer> {
  const print = o.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log = o.logger ?? createLogger({ level: config.logLevel });
  const keyRing = setUpKeyRing(config, print);
  const stores = o.stores ?? (await openStores(config, log));
  // Given stores (tests) come without the duty slices unless the caller passes them too.
  const opened = o.duties || o.stores ? undefined : await openDuties(config, log);
  const duties = o.duties ?? opened?.duties;
  const oversight = o.oversight
    ? await o.oversight({ protector: new IdentifierProtector(new PiiCipher(keyRing)) })
    : undefined;
  oversight?.startSchedules((e) => log.error({ err: e }, 'assessment reminder run failed'));
  const platform = createPlatform({
    stores,
    keyRing,
    logger: log,
    verification: config.verification,
    minAssurance: config.minAssurance,
    sessions: { ttlMs: config.sessions.ttlMinutes * 60_000, idleMs: config.sessions.idleMinutes * 60_000 },
    loginThrottle: {
      maxFailures: config.loginThrottle.maxFailures,
      windowMs: config.loginThrottle.windowMinutes * 60_000,
    },
    totpIssuer: config.totpIssuer,
    nodeEnv: config.nodeEnv,
    extraGateChecks: [...(duties?.gateChecks ?? []), ...(oversight?.gateChecks ?? [])],
  });
  await firstStart(platform, config, print);
  const governance =
    o.governance ??
    (await openGovernance(config, (a) => log.warn({ alert: a.alert?.code, ageDays: a.ageDays }, a.alert?.message)));
  const server = buildServer(platform, {
    extraRoutes: [
      ...governanceRoutes(governance),
      ...(duties ? dutyRoutes(duties) : []),
      ...(oversight ? oversightRoutes(oversight) : []),
    ],
    logger: log,
    rateLimit: config.rateLimit,
    trustProxy: config.trustProxy,
  });
  let gateway: Gateway | undefined;
  let gatewayStore: Store | undefined;
  if (config.gateway?.enabled) {
    gatewayStore = o.gateway?.store;
    if (!gatewayStore) {
      gatewayStore = openStore(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir });
      await gatewayStore.migrate();
    }
    gateway = await createGateway(config.gateway, platform, gatewayStore, o.gateway ?? {});
    await registerGateway(server.app, platform, gateway.context);
  }
  let closing = false;
  server.app.addHook('onSend', async (_req, reply) => {
    // While shutting down, keep-alive connections end after their current response.
    if (closing) reply.header('connection', 'close');
  });
  await server.app.listen({ port: config.port, host: config.host });
  const addr = server.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  print(`Hegui is listening on ${url} (API description: ${url}/openapi.json)`);

  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => {
    resolveClosed = r;
  });
  let shuttingDown: Promise<void> | undefined;
  const shutdown = (reason = 'requested') => {
    shuttingDown ??= (async () => {
      closing = true;
      server.markClosing();
      log.info({ reason }, 'shutting down: no new connections; waiting for requests in flight');
      const deadline = setTimeout(() => {
        log.warn({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown deadline reached: closing remaining connections');
        server.app.server.closeAllConnections();
      }, config.shutdownTimeoutMs);
      try {
        await server.app.close();
      } finally {
        clearTimeout(deadline);
        await governance.close();
        await platform.close();
        if (gatewayStore && !o.gateway?.store) await gatewayStore.close();
        await opened?.close();
        oversight?.close();
        log.info('stopped');
        resolveClosed();
      }
    })();
    return shuttingDown;
  };
  if (o.handleSignals) {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => void shutdown(sig));
  }
  return { url, server, platform, ...(gateway ? { gateway } : {}), shutdown, closed };
}

/** An admin when none exists; the shipped agreement templates where nothing is published yet. */
async function firstStart(platform: Platform, config: ServerConfig, print: (line: string) => void): Promise<void> {
  const admin = await platform.accounts
    .ensureAdmin(SYSTEM, config.admin.username, config.admin.password)
    .catch((e: unknown) => {
      if (isHeguiError(e) && e.code === 'password_weak') {
        throw new HeguiError('config_invalid', `HEGUI_ADMIN_PASSWORD does not meet the ${e.message}`, e.details);
      }
      throw e;
    });
  if (admin?.oneTimePassword) {
    print(
      `Created the admin account "${admin.account.username}". One-time password (shown only now; you must change it ` +
        `at first sign-in): ${admin.oneTimePassword}`,
    );
  } else if (admin) {
    print(`Created the admin account "${admin.account.username}" with the password from HEGUI_ADMIN_PASSWORD.`);
  }
  if (config.verification.sms.provider === 'development') {
    print(
      'SMS codes go to the server log (development sender): no SMS is sent. Configure verification.sms.provider ' +
        '"webhook" for a real SMS gateway.',
    );
  }
  if (config.agreements.publishTemplates) {
    const docs = await platform.agreements.publishTemplatesWhereMissing(SYSTEM, config.agreements.placeholders);
    if (docs.some((d) => d.template)) {
      print(
        'Published the shipped agreement TEMPLATES (platform rules, user convention, user agreement); adapt them and ' +
          'publish your own versions (POST /api/agreements).',
      );
    }
  }
}

export type { ServerConfig };
