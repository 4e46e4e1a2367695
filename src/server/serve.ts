/**
 * `hegui serve`: configuration → key ring → database (SQLite under the data folder, or PostgreSQL), migrations, the
 * tamper-evident log → platform and duty slices on that one store → first-start setup → HTTP server (and the gateway
 * when configured), with graceful shutdown on SIGTERM/SIGINT: stop accepting, let in-flight requests finish until the
 * deadline, stop the schedules, then close the store.
 */
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { HeguiError, isHeguiError } from '../errors.ts';
import { createGateway, type Gateway } from '../gateway/create-gateway.ts';
import { registerGateway } from '../gateway/register.ts';
import { SYSTEM } from '../platform/actor.ts';
import type { AuditLog } from '../platform/audit/audit-log.ts';
import type { DutySlices } from '../platform/duty-slices.ts';
import type { StalenessAlert } from '../platform/feature-library/feature-library-service.ts';
import { createGovernance, type Governance } from '../platform/governance.ts';
import { createOversight, type Oversight } from '../platform/oversight.ts';
import { PiiCipher } from '../platform/pii/pii-cipher.ts';
import { IdentifierProtector } from '../platform/pii/protected-identifier.ts';
import { createPlatform, type Platform } from '../platform/platform.ts';
import type { Store } from '../store/index.ts';
import { buildServer, type HeguiServer } from './app.ts';
import type { ServerConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { openStores } from './open-stores.ts';
import { dutyRoutes } from './routes/duties.ts';
import { governanceRoutes } from './routes/governance.ts';
import { oversightRoutes } from './routes/oversight.ts';
import { setUpKeyRing } from './secret-key-setup.ts';
import { createServerDuties } from './server-duties.ts';

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

/** What a duty group is built over. */
export interface SliceDeps {
  store: Store;
  log: AuditLog;
  protector: IdentifierProtector;
}

export interface StartOptions {
  /** Where the start-up notices go (the one-time admin password among them): stdout by default. */
  print?: (line: string) => void;
  logger?: Logger;
  /** Install SIGTERM/SIGINT handlers (the CLI does; tests call shutdown()). */
  handleSignals?: boolean;
  /**
   * Build a duty group differently (tests with their own clock or policy): each factory gets the server's store, its
   * tamper-evident log and the identifier protector. Absent, each group is built from the configuration.
   */
  governance?: (deps: SliceDeps) => Promise<Governance>;
  duties?: (deps: SliceDeps) => DutySlices;
  oversight?: (deps: SliceDeps) => Oversight;
}

export async function startServer(config: ServerConfig, o: StartOptions = {}): Promise<RunningServer> {
  const print = o.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log = o.logger ?? createLogger({ level: config.logLevel });
  const keyRing = setUpKeyRing(config, print);
  const { store, audit, stores } = await openStores(config, log);
  // Everything after the store is opened closes it again if the start fails (weak admin password, port taken).
  // Run in reverse order: the duty groups' schedules stop first, the stores (and with them the database) close last.
  const cleanups: (() => Promise<void> | void)[] = [() => stores.close()];
  const cleanUp = async () => {
    for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => {});
  };
  try {
    const deps: SliceDeps = { store, log: audit.log, protector: new IdentifierProtector(new PiiCipher(keyRing)) };
    let duties: DutySlices;
    if (o.duties) duties = o.duties(deps);
    else {
      const own = createServerDuties(config, log, store, audit.log);
      cleanups.push(own.close);
      duties = own.duties;
    }
    const oversight = o.oversight ? o.oversight(deps) : createOversight(deps);
    cleanups.push(() => oversight.close());
    oversight.startSchedules((e) => log.error({ err: e }, 'assessment reminder run failed'));
    const platform = createPlatform({
      stores,
      store,
      audit,
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
      extraGateChecks: [...duties.gateChecks, ...oversight.gateChecks],
    });
    const onStaleLibrary = (a: StalenessAlert) =>
      log.warn({ alert: a.alert?.code, ageDays: a.ageDays }, a.alert?.message);
    const governance = o.governance
      ? await o.governance(deps)
      : await createGovernance(store, audit.log, { onStaleLibrary });
    cleanups.push(() => governance.close());
    await firstStart(platform, config, print);
    const server = buildServer(platform, {
      extraRoutes: [...governanceRoutes(governance), ...dutyRoutes(duties), ...oversightRoutes(oversight)],
      logger: log,
      rateLimit: config.rateLimit,
      trustProxy: config.trustProxy,
      exportsDir: join(resolve(config.dataDir), 'exports'),
    });
    let gateway: Gateway | undefined;
    if (config.gateway?.enabled) {
      gateway = await createGateway(config.gateway, {
        platform,
        store,
        audit: audit.log,
        duties,
        oversight,
        governance,
      });
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
          await cleanUp();
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
  } catch (e) {
    await cleanUp();
    throw e;
  }
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
