/**
 * The gateway slice's factory: routes from the configuration, the review library (the published feature library
 * version, or the configured file until one is published), the label signing key, and the duties each request goes
 * through — the publishing gate with enforcement restrictions, the emergency switch, consent, strikes, the review
 * queue and the generation log — all over the server's one store and tamper-evident log.
 */
import { readFileSync } from 'node:fs';
import { HeguiError } from '../errors.ts';
import { loadPrivateKey } from '../label/security/keys.ts';
import type { AuditLog } from '../platform/audit/audit-log.ts';
import type { DutySlices } from '../platform/duty-slices.ts';
import type { Governance } from '../platform/governance.ts';
import type { Oversight } from '../platform/oversight.ts';
import type { Platform } from '../platform/platform.ts';
import { openCompiledLibrary } from '../review/open.ts';
import { RateLimiter } from '../server/rate-limit.ts';
import type { Store } from '../store/index.ts';
import { AccessCheck, ConsentGate } from './access.ts';
import type { GatewayConfig } from './config.ts';
import type { GatewayContext } from './context.ts';
import { ImageLinks } from './image-links.ts';
import { LabelPolicy } from './label-policy.ts';
import { GatewayPipeline } from './pipeline.ts';
import { GatewayLibrary } from './review-library.ts';
import { UpstreamRoutes } from './upstreams.ts';

/** The server's store, log and duty groups the gateway works with. */
export interface GatewayDeps {
  platform: Platform;
  store: Store;
  audit: AuditLog;
  duties: DutySlices;
  oversight: Oversight;
  governance: Governance;
}

export interface Gateway {
  context: GatewayContext;
}

export async function createGateway(config: GatewayConfig, deps: GatewayDeps): Promise<Gateway> {
  const routes = new UpstreamRoutes(config.upstreams);
  const keyLimiter = new RateLimiter();
  const file = config.reviewLibrary
    ? { path: config.reviewLibrary, compiled: await openCompiledLibrary(config.reviewLibrary) }
    : undefined;
  let signer = null;
  if (config.labelSigningKeyFile) {
    try {
      signer = loadPrivateKey(readFileSync(config.labelSigningKeyFile, 'utf8'));
    } catch (e) {
      throw new HeguiError('config_invalid', `gateway.labelSigningKeyFile: cannot be loaded (${(e as Error).message})`);
    }
  }
  const pipeline = new GatewayPipeline({
    platform: deps.platform,
    access: new AccessCheck(deps.platform.gate, deps.oversight.emergency),
    consent: new ConsentGate(deps.oversight.consent),
    library: new GatewayLibrary(deps.governance.library.service.holder, file),
    store: deps.store,
    audit: deps.audit,
    enforcement: deps.duties.enforcement,
    queue: deps.governance.queue,
    generations: deps.duties.rumours,
    // Per API key (per account for a session), so one key cannot take the upstream's capacity from everyone else.
    limit: { take: (key: string) => keyLimiter.take(key, config.rateLimit) },
  });
  return {
    context: {
      config,
      routes,
      pipeline,
      labels: new LabelPolicy(config.contentProducer, signer),
      links: new ImageLinks(config.imageUrlTtlSeconds * 1000),
    },
  };
}
