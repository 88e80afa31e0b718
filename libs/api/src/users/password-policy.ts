import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * NCSC password guidance: no complexity rules, a minimum length (the contract's 12 characters), and a deny
 * list of the most common passwords (D12). The list is zxcvbn-ts's common-passwords dictionary (about
 * 49,000 passwords from breach corpora, most common first), compared case-insensitively.
 */
const COMMON = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

/** Why `password` must not be used for `username`, or null when it may. */
export function passwordProblem(password: string, username: string): string | null {
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'password is one of the most commonly used passwords: choose another';
  // A password made of one short common password repeated ("passwordpassword") is as guessable.
  for (let size = 1; size <= lower.length / 2; size += 1) {
    if (lower.length % size === 0 && lower.slice(0, size).repeat(lower.length / size) === lower) {
      return 'password is one short pattern repeated: choose another';
    }
  }
  if (lower.includes(username.toLowerCase())) return 'password must not contain the username';
  return null;
}
