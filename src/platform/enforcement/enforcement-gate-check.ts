/**
 * The publishing gate's enforcement check (Provisions Art. 10): a closed or suspended account can use nothing; an
 * account restricted from a function (publish, face-edit, …) cannot use that one.
 */
import type { GateCheck } from '../accounts/real-name-gate.ts';
import type { EnforcementService } from './enforcement-service.ts';

export function enforcementCheck(enforcement: EnforcementService): GateCheck {
  return {
    name: 'enforcement',
    async check(account, _now, fn) {
      const s = await enforcement.standing(account.id);
      if (s.closed) return { code: 'account_closed', message: 'the account was closed (Art. 10); it may appeal' };
      if (s.suspendedUntil) {
        return { code: 'account_suspended', message: `the account is suspended until ${s.suspendedUntil}` };
      }
      if (s.restrictedFunctions.includes(fn)) {
        return { code: 'function_restricted', message: `the function "${fn}" is restricted for this account` };
      }
      return undefined;
    },
  };
}
