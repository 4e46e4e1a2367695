/**
 * The gateway slice's factory: routes from the configuration, the review library, the label signing key, the
 * tamper-evident log on the SQL store, and the access checks (publishing gate plus per-function checks, consent).
 */
import { readFileSync } from 'node:fs';
import { HeguiError } from '../errors.ts';
import { loadPrivateKey } from '../label/security/keys.ts';
import type { AuditLog } from '../platform/audit/audit-log.ts';
import { createAuditLog } from '../platform/audit/create-audit-log.ts';
import type { Platform } from '../platform/platform.ts';
import { openCompiledLibrary } from '../review/open.ts';
import type { Store } from '../store/index.ts';
import { type ConsentCheck, EmergencySwitch, type FunctionCheck, FunctionGate, NO_CONSENT_SERVICE } from './access.ts';
import type { GatewayConfig } from './config.ts';
import type { GatewayContext } from './context.ts';
import { ImageLinks } from './image-links.ts';
import { LabelPolicy } from './label-policy.ts';
import { GatewayPipeline } from './pipeline.ts';
import { UpstreamRoutes } from './upstreams.ts';

export interface GatewayParts {
  /** Per-function checks besides the emergency switch (the enforcement slice's restrictions). */
  checks?: FunctionCheck[];
  consent?: ConsentCheck;
  emergency?: EmergencySwitch;
}

export interface Gateway {
  context: GatewayContext;
  emergency: EmergencySwitch;
  audit: AuditLog;
  /** The SQL store the log is kept in. */
  store: Store;
}

export async function createGateway(
  config: GatewayConfig,
  platform: Platform,
  store: Store,
  parts: GatewayParts = {},
): Promise<Gateway> {
  const routes = new UpstreamRoutes(config.upstreams);
  const library = await openCompiledLibrary(config.reviewLibrary);
  let signer = null;
  if (config.labelSigningKeyFile) {
    try {
      signer = loadPrivateKey(readFileSync(config.labelSigningKeyFile, 'utf8'));
    } catch (e) {
      throw new HeguiError('config_invalid', `gateway.labelSigningKeyFile: cannot be loaded (${(e as Error).message})`);
    }
  }
  const { log } = await createAuditLog(
    store,
    config.auditSigningKeyFile ? { signingKeyFile: config.auditSigningKeyFile } : {},
  );
  const emergency = parts.emergency ?? new EmergencySwitch();
  const access = new FunctionGate(platform.gate, [emergency, ...(parts.checks ?? [])]);
  const pipeline = new GatewayPipeline(
    platform,
    access,
    parts.consent ?? NO_CONSENT_SERVICE,
    library,
    store,
    log,
    emergency,
  );
  return {
    context: {
      config,
      routes,
      pipeline,
      labels: new LabelPolicy(config.contentProducer, signer),
      links: new ImageLinks(config.imageUrlTtlSeconds * 1000),
    },
    emergency,
    audit: log,
    store,
  };
}
