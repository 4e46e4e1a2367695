/**
 * `hegui id check NUMBER`: validate a resident ID (GB 11643 family), a unified social credit code (GB 32100) or a
 * mobile number, printing the number masked. Pass "-" to read the number from standard input, which keeps it out of
 * shell history and process listings.
 */
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { HeguiError } from '../../errors.ts';
import { checkIdentity, type IdentityCheck, type IdentityType } from '../../identity/check-identity.ts';
import type { Output } from '../output.ts';

const TYPE_NAMES: Record<IdentityType, string> = {
  resident: 'ID number (GB 11643)',
  uscc: 'unified social credit code (GB 32100)',
  mobile: 'mobile number',
};

const KIND_NAMES: Record<string, string> = {
  resident: 'resident ID',
  resident_legacy_15: 'first-generation 15-digit resident ID',
  hmt_residence_permit: 'residence permit for Hong Kong, Macao and Taiwan residents',
  foreign_permanent_residence: "foreigner's permanent residence ID (2023)",
  foreign_permanent_residence_legacy: "foreigner's permanent residence ID (15-character, before 2023)",
};

export function registerIdCommand(program: Command, io: Output, setExit: (code: number) => void): void {
  const id = program.command('id').description('identity numbers for real-name registration (Provisions Art. 9)');
  id.command('check')
    .description('validate an ID number, unified social credit code or mobile number (exit 0 valid, 1 invalid)')
    .argument('<number>', 'the number, or "-" to read it from standard input')
    .addOption(
      new Option('--type <type>', 'what the number is').choices(['auto', 'resident', 'uscc', 'mobile']).default('auto'),
    )
    .option('--json', 'print JSON on stdout')
    .action((number: string, o: { type: IdentityType | 'auto'; json?: boolean }) => {
      const input = number === '-' ? readFileSync(0, 'utf8').split(/\r?\n/)[0]! : number;
      if (input.trim() === '') throw new HeguiError('usage', 'no number given');
      const c = checkIdentity(input, o.type);
      if (o.json) io.json(toJson(c));
      else io.out(describe(c));
      setExit(c.result.valid ? 0 : 1);
    });
}

function parts(c: IdentityCheck): Record<string, unknown> {
  const r = c.result;
  switch (c.type) {
    case 'resident':
      return c.result.kind === undefined
        ? {}
        : {
            kind: c.result.kind,
            region: c.result.region,
            permitFor: c.result.permitFor,
            nationality: c.result.nationality,
            birthDate: c.result.birthDate,
            sex: c.result.sex,
            checksumVerified: c.result.checksumVerified,
          };
    case 'uscc':
      return r.valid
        ? {
            authority: c.result.authority,
            institutionType: c.result.institutionType,
            region: c.result.region,
            organisationCode: c.result.organisationCode,
          }
        : {};
    case 'mobile':
      return { carrier: c.result.carrier, service: c.result.service, segment: c.result.segment };
  }
}

function toJson(c: IdentityCheck) {
  return { type: c.type, number: c.masked, valid: c.result.valid, reason: c.result.reason ?? null, parts: parts(c) };
}

function describe(c: IdentityCheck): string {
  const p = parts(c);
  const rows: [string, unknown][] = [
    ['number', c.masked],
    ['type', TYPE_NAMES[c.type]],
    ['valid', c.result.valid ? 'yes' : `no (${c.result.reason})`],
    ['kind', typeof p['kind'] === 'string' ? (KIND_NAMES[p['kind']] ?? p['kind']) : undefined],
    ['region', regionText(p['region'])],
    ['permit for', p['permitFor']],
    ['nationality', p['nationality']],
    ['born', p['birthDate']],
    ['sex', p['sex']],
    ['authority', p['authority']],
    ['institution', p['institutionType']],
    ['organisation', p['organisationCode']],
    ['carrier', p['carrier']],
    ['service', p['service']],
    ['segment', p['segment']],
  ];
  if (p['checksumVerified'] === false) rows.push(['note', 'this form has no check character that could be verified']);
  if (c.type === 'mobile' && c.result.valid) rows.push(['note', 'a valid format is not proof of possession']);
  return rows
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${`${k}:`.padEnd(14)}${v}`)
    .join('\n');
}

function regionText(r: unknown): string | undefined {
  if (typeof r === 'string') return r;
  if (!r || typeof r !== 'object') return undefined;
  const x = r as { code: string; province?: string; prefecture?: string; county?: string };
  return [x.code, x.province, x.prefecture, x.county].filter(Boolean).join(' ');
}
