/**
 * The emergency switch as a publishing-gate check (src/platform/accounts/real-name-gate.ts). The gate knows the
 * account, not the model or capability, so here the stops that apply are those for everything and for the account's
 * user groups — its kind (`person`, `organisation`) and its role (`user`, …). The gateway adds the model and capability
 * through `EmergencySwitch.stopsFor` (HTTP: GET /api/emergency/check).
 */
import type { GateCheck } from '../accounts/real-name-gate.ts';
import type { EmergencySwitch } from './emergency-switch.ts';

export function emergencyStopCheck(sw: EmergencySwitch): GateCheck {
  return {
    name: 'emergency_switch',
    ownsStaleness: true,
    async check(account) {
      let stops: Awaited<ReturnType<EmergencySwitch['stopsFor']>>;
      try {
        stops = await sw.stopsFor({ groups: [account.kind, account.role] });
      } catch {
        return { code: 'unavailable', message: 'the emergency switch state cannot be read; publishing is held' };
      }
      const first = stops[0];
      if (!first) return undefined;
      const scope = first.scope.kind === 'all' ? 'all publishing' : `${first.scope.kind} "${first.scope.value}"`;
      return { code: 'publishing_stopped', message: `publishing is stopped (${scope}): ${first.reason}` };
    },
  };
}
