/**
 * Patient access codes (issue 14): 10 characters from 32 that cannot be mistaken for one another on a
 * letter or a phone screen (no I, O, 0 or 1), so 50 bits of chance; shown as `XXXX-XXXX-XX`. Typed input
 * is forgiving: case, spaces and dashes do not matter, and O/I/L typed for 0/1 are read as the letters
 * they look like, never as a different valid character.
 */
export const ACCESS_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const ACCESS_CODE_LENGTH = 10;

/** A new random code (the caller stores only its hash). */
export function newAccessCode(random: (n: number) => Uint8Array = randomBytes): string {
  const bytes = random(ACCESS_CODE_LENGTH);
  let code = '';
  for (let i = 0; i < ACCESS_CODE_LENGTH; i++) code += ACCESS_CODE_ALPHABET[bytes[i] % 32];
  return code;
}

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  globalThis.crypto.getRandomValues(out);
  return out;
}

/** `KX7P4MRTQ9` → `KX7P-4MRT-Q9`. */
export function displayAccessCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** The canonical form of what a person typed, or null when it cannot be a code. */
export function normaliseAccessCode(typed: string): string | null {
  const code = typed
    .toUpperCase()
    .replace(/[\s\-–—.]/g, '')
    .replace(/0/g, 'O')
    .replace(/1/g, 'L');
  if (code.length !== ACCESS_CODE_LENGTH) return null;
  for (const c of code) if (!ACCESS_CODE_ALPHABET.includes(c)) return null;
  return code;
}
