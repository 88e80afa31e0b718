import { CodecError } from '../codec-error';

/**
 * Test helpers: hand-written hex fixtures and IEEE 11073 encoders for round-trip tests. Not part of
 * the public API.
 */

/** `hex('78 00 50 00')` → the bytes; whitespace and `|` separators are ignored. */
export function hex(text: string): Uint8Array {
  const digits = text.replace(/[\s|]/g, '');
  if (!/^(?:[0-9A-Fa-f]{2})*$/.test(digits)) throw new Error(`bad hex fixture: ${text}`);
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** Base64 of bytes, as a hub would send them in a `gatt` measurement. */
export function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** SFLOAT word for mantissa (−2048…2047) and exponent (−8…7), two's complement. */
export function encodeSfloat(mantissa: number, exponent: number): number {
  return ((exponent & 0x0f) << 12) | (mantissa & 0x0fff);
}

/** FLOAT word for mantissa (−2^23…2^23−1) and exponent (−128…127), two's complement. */
export function encodeFloat(mantissa: number, exponent: number): number {
  return (((exponent & 0xff) << 24) | (mantissa & 0x00ffffff)) >>> 0;
}

/** Runs `fn` and returns the CodecError it throws; fails the test if it throws nothing or something else. */
export function codecError(fn: () => unknown): CodecError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CodecError) return error;
    throw error;
  }
  throw new Error('expected a CodecError');
}
