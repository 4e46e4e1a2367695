/**
 * Password policy (GB/T 22239-2019 level 3, 8.1.4.1 a: complexity and length; NIST SP 800-63B §5.1.1: length over
 * composition, no known-bad values). At least 12 characters, at least three of four character classes, not mostly
 * one character, not the user name, not a common password.
 */
export type PasswordProblem = 'too_short' | 'too_long' | 'too_simple' | 'contains_username' | 'common';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

// Passwords that meet the class rule and still top the leaked-password lists (checked case-insensitively).
const COMMON = new Set([
  'password1234',
  'p@ssw0rd1234',
  'p@ssword1234',
  'passw0rd!234',
  'admin@123456',
  'admin123456!',
  'qwer1234!@#$',
  'abc@12345678',
  'a123456789!!',
  '1qaz@wsx3edc',
  '1qaz!qaz2wsx',
  'welcome@1234',
  'changeme123!',
]);

export function checkPassword(password: string, username?: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const chars = [...password];
  if (chars.length < MIN_PASSWORD_LENGTH) problems.push('too_short');
  if (chars.length > MAX_PASSWORD_LENGTH) problems.push('too_long');
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  const distinct = new Set(chars).size;
  if (classes < 3 || distinct < Math.min(6, chars.length)) problems.push('too_simple');
  const lower = password.toLowerCase();
  if (username && username.length >= 3 && lower.includes(username.toLowerCase())) problems.push('contains_username');
  if (COMMON.has(lower)) problems.push('common');
  return problems;
}

export const PASSWORD_RULES =
  `at least ${MIN_PASSWORD_LENGTH} characters with three of: lower case, upper case, digits, symbols; ` +
  'not the user name; not a common password';
