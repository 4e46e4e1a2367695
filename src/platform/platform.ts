/**
 * The platform's services wired over one set of stores: `stores` from `createSqlStores(store, audit.log)` on the same
 * database as the tamper-evident log (`audit`), so every write and its log entry share a transaction.
 */

import type { Store } from '../store/index.ts';
import { AccountService } from './accounts/account-service.ts';
import {
  accountActive,
  agreementsAccepted,
  type GateCheck,
  RealNameGate,
  realNameVerified,
} from './accounts/real-name-gate.ts';
import { RealNameService } from './accounts/real-name-service.ts';
import { buildProviders, type VerificationConfig } from './accounts/verification/configure.ts';
import type { AssuranceLevel, VerificationProvider } from './accounts/verification/provider.ts';
import type { PlatformLogger } from './accounts/verification/sms-sender.ts';
import { AdmissionCache } from './admission-cache.ts';
import { AgreementService } from './agreements/agreement-service.ts';
import type { AuditSlice } from './audit/create-audit-log.ts';
import { ApiKeyService } from './auth/api-key-service.ts';
import { LoginService } from './auth/login-service.ts';
import { DEFAULT_LOGIN_THROTTLE, LoginThrottle, type LoginThrottleOptions } from './auth/login-throttle.ts';
import { DEFAULT_SESSIONS, type SessionOptions, SessionService } from './auth/session-service.ts';
import { TotpService } from './auth/totp-service.ts';
import type { KeyRing } from './pii/key-ring.ts';
import { PiiCipher } from './pii/pii-cipher.ts';
import { IdentifierProtector } from './pii/protected-identifier.ts';
import type { PlatformStores } from './stores.ts';

export interface PlatformOptions {
  stores: PlatformStores;
  /** The database under `stores` (exports and log proofs read it directly). */
  store: Store;
  /** The tamper-evident log the stores append to, its retention job and legal holds. */
  audit: AuditSlice;
  keyRing: KeyRing;
  logger: PlatformLogger;
  verification: VerificationConfig;
  /** Replaces the providers built from `verification` (tests, or an operator's own provider classes). */
  providers?: VerificationProvider[];
  minAssurance?: AssuranceLevel;
  sessions?: SessionOptions;
  loginThrottle?: LoginThrottleOptions;
  totpIssuer?: string;
  nodeEnv?: string | undefined;
  /** Further publishing-gate checks (enforcement restrictions, the emergency switch). */
  extraGateChecks?: GateCheck[];
  /** How old a held API-key principal or gate answer may be, at most 1000 ms (the default); 0 holds nothing. */
  admissionCacheMs?: number;
  now?: () => Date;
}

export interface Platform {
  stores: PlatformStores;
  store: Store;
  audit: AuditSlice;
  cipher: PiiCipher;
  protector: IdentifierProtector;
  accounts: AccountService;
  sessions: SessionService;
  login: LoginService;
  totp: TotpService;
  apiKeys: ApiKeyService;
  realName: RealNameService;
  agreements: AgreementService;
  gate: RealNameGate;
  /** Held API-key principals and gate answers (admission-cache.ts). */
  admission: AdmissionCache;
  close(): Promise<void>;
}

export function createPlatform(o: PlatformOptions): Platform {
  const now = o.now ?? (() => new Date());
  const { stores } = o;
  const cipher = new PiiCipher(o.keyRing);
  const protector = new IdentifierProtector(cipher);
  const sessions = new SessionService(stores, o.sessions ?? DEFAULT_SESSIONS, now);
  const throttle = new LoginThrottle(stores.loginAttempts, o.loginThrottle ?? DEFAULT_LOGIN_THROTTLE);
  const providers =
    o.providers ?? buildProviders(o.verification, { protector, cipher, logger: o.logger, nodeEnv: o.nodeEnv, now });
  const agreements = new AgreementService(stores, now);
  const admission = new AdmissionCache({
    ...(o.admissionCacheMs !== undefined ? { ttlMs: o.admissionCacheMs } : {}),
    now: () => now().getTime(),
  });
  const unfollow = admission.followWrites(o.audit.log);
  const gate = new RealNameGate(
    stores.accounts,
    [
      accountActive,
      realNameVerified(stores.verifications, o.minAssurance ?? 'low'),
      agreementsAccepted(agreements),
      ...(o.extraGateChecks ?? []),
    ],
    now,
    admission.gate,
  );
  return {
    stores,
    store: o.store,
    audit: o.audit,
    cipher,
    protector,
    accounts: new AccountService(stores, now),
    sessions,
    login: new LoginService(stores, sessions, throttle, cipher, now),
    totp: new TotpService(stores, sessions, cipher, o.totpIssuer ?? 'Hegui', now),
    apiKeys: new ApiKeyService(stores, now, admission.principals),
    realName: new RealNameService(stores, providers, now),
    agreements,
    gate,
    admission,
    close: () => {
      unfollow();
      return stores.close();
    },
  };
}
