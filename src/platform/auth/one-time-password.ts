/** One-time passwords for new staff and resets: 20 characters from an unambiguous alphabet, meeting the policy. */
import { randomInt } from 'node:crypto';
import { checkPassword } from './password-policy.ts';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

export function newOneTimePassword(): string {
  for (;;) {
    let s = '';
    for (let i = 0; i < 20; i++) s += ALPHABET[randomInt(ALPHABET.length)];
    if (checkPassword(s).length === 0) return s;
  }
}
