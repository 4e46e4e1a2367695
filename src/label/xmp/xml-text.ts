import { HeguiError } from '../../errors.ts';

const NAMED: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" };

/** Decode the five predefined XML entities and numeric character references; anything else is malformed. */
export function decodeXmlText(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]+);?/g, (m, ref: string) => {
    if (!m.endsWith(';')) throw new HeguiError('malformed', 'XMP text has an unterminated character reference');
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      if (!(cp >= 0 && cp <= 0x10ffff) || (cp >= 0xd800 && cp <= 0xdfff)) {
        throw new HeguiError('malformed', 'XMP text has an invalid character reference');
      }
      return String.fromCodePoint(cp);
    }
    const v = NAMED[ref];
    if (v === undefined) throw new HeguiError('malformed', 'XMP text uses an undeclared entity');
    return v;
  });
}

export function escapeXmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export const escapeXmlAttr = (s: string): string => escapeXmlText(s).replace(/'/g, '&apos;');
