import { CodecError } from '../codec-error';
import { decodeFloat } from '../ieee11073/float';
import { type Ieee11073Number } from '../ieee11073/ieee11073-number';
import { decodeSfloat } from '../ieee11073/sfloat';

/** The Bluetooth SIG Date Time structure (7 octets), as sent; 0 in year, month or day means unknown. */
export interface GattDateTime {
  year: number;
  month: number;
  day: number;
  hours: number;
  minutes: number;
  seconds: number;
}

/** Octet sizes of the GATT field types used by the codecs. */
export const SIZE = { uint8: 1, uint16: 2, uint24: 3, sfloat: 2, float: 4, dateTime: 7 } as const;

/** One field of a characteristic and whether the flags say it is present, for the length check. */
export interface FieldLayout {
  name: string;
  size: number;
  present: boolean;
}

/**
 * First half of the length check: the input is a Uint8Array (Buffer is one) holding at least the
 * mandatory fields, so the flags can be read.
 */
export function requireMandatory(
  characteristic: string,
  bytes: unknown,
  mandatory: readonly Omit<FieldLayout, 'present'>[],
): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new CodecError('invalid-input', `${characteristic}: input must be a Uint8Array`);
  }
  const minimum = mandatory.reduce((n, f) => n + f.size, 0);
  if (bytes.length < minimum) {
    throw new CodecError(
      'too-short',
      `${characteristic}: ${bytes.length} byte(s), need at least ${minimum} (${listFields(mandatory)})`,
    );
  }
}

/**
 * Second half, before anything past the flags is decoded, so a decoder either returns a complete
 * value or throws: `length-mismatch` when the flags call for more than was sent, `trailing-bytes`
 * when more was sent than the flags account for.
 */
export function requireExactLength(
  characteristic: string,
  bytes: Uint8Array,
  flags: number,
  fields: readonly FieldLayout[],
): void {
  const present = fields.filter((f) => f.present);
  const expected = present.reduce((n, f) => n + f.size, 0);
  const flagsHex = `0x${flags.toString(16).padStart(2, '0').toUpperCase()}`;
  if (bytes.length < expected) {
    throw new CodecError(
      'length-mismatch',
      `${characteristic}: flags ${flagsHex} call for ${expected} bytes (${listFields(present)}) but ${bytes.length} were sent`,
    );
  }
  if (bytes.length > expected) {
    throw new CodecError(
      'trailing-bytes',
      `${characteristic}: ${bytes.length - expected} trailing byte(s) after the ${expected} that flags ${flagsHex} call for (${listFields(present)})`,
    );
  }
}

function listFields(fields: readonly Omit<FieldLayout, 'present'>[]): string {
  return fields.map((f) => `${f.name} ${f.size}`).join(' + ');
}

/** Little-endian sequential reader. Callers check the length first, so reads never run past the end. */
export class ByteReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  uint8(): number {
    return this.bytes[this.offset++];
  }

  uint16(): number {
    return this.uint8() | (this.uint8() << 8);
  }

  uint24(): number {
    return this.uint16() | (this.uint8() << 16);
  }

  uint32(): number {
    return (this.uint24() | (this.uint8() << 24)) >>> 0;
  }

  sfloat(): Ieee11073Number {
    return decodeSfloat(this.uint16());
  }

  float(): Ieee11073Number {
    return decodeFloat(this.uint32());
  }

  dateTime(): GattDateTime {
    return {
      year: this.uint16(),
      month: this.uint8(),
      day: this.uint8(),
      hours: this.uint8(),
      minutes: this.uint8(),
      seconds: this.uint8(),
    };
  }
}
