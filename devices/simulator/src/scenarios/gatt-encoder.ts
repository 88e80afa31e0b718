/**
 * Encoders for the Bluetooth GATT characteristic values a home hub passes through (Bluetooth SIG GATT
 * Specification Supplement). The platform decodes them with @vigil/codecs; the tests round-trip every
 * encoder through those decoders. All multi-octet fields are little-endian.
 */

// Raw SFLOAT words reserved for NaN, NRes, ±INF and a reserved value: all have exponent 0 and a
// mantissa of magnitude ≥ 2046, so ordinary values stay below that.
const SFLOAT_MAX_MANTISSA = 2045;

/**
 * An IEEE 11073-20601 SFLOAT word (4-bit exponent, 12-bit mantissa, two's complement) for `value`
 * with up to `decimals` decimal places. Precision is given up (exponent raised) rather than overflow.
 */
export function encodeSfloat(value: number, decimals = 0): number {
  if (!Number.isFinite(value)) throw new RangeError(`encodeSfloat: ${value} is not finite`);
  let exponent = -decimals;
  let mantissa = Math.round(value * 10 ** decimals);
  while (Math.abs(mantissa) > SFLOAT_MAX_MANTISSA) {
    exponent += 1;
    mantissa = Math.round(value / 10 ** exponent);
  }
  if (exponent < -8 || exponent > 7) throw new RangeError(`encodeSfloat: ${value} does not fit an SFLOAT`);
  return ((exponent & 0x0f) << 12) | (mantissa & 0x0fff);
}

function pushUint16(out: number[], word: number): void {
  out.push(word & 0xff, (word >>> 8) & 0xff);
}

export interface BloodPressureValue {
  systolic: number;
  diastolic: number;
  meanArterialPressure: number;
  /** Pulse rate in /min; when present the Pulse Rate Present flag is set. */
  pulseRate?: number;
  unit?: 'mmHg' | 'kPa';
}

/** Blood Pressure Measurement (0x2A35): flags, systolic, diastolic, MAP, [pulse rate]. */
export function encodeBloodPressureMeasurement(value: BloodPressureValue): Uint8Array {
  const kpa = value.unit === 'kPa';
  let flags = 0;
  if (kpa) flags |= 0x01;
  if (value.pulseRate !== undefined) flags |= 0x04;
  const decimals = kpa ? 1 : 0;
  const out: number[] = [flags];
  pushUint16(out, encodeSfloat(value.systolic, decimals));
  pushUint16(out, encodeSfloat(value.diastolic, decimals));
  pushUint16(out, encodeSfloat(value.meanArterialPressure, decimals));
  if (value.pulseRate !== undefined) pushUint16(out, encodeSfloat(value.pulseRate));
  return Uint8Array.from(out);
}

export interface PlxSpotCheckValue {
  spo2: number;
  pulseRate: number;
}

/** PLX Spot-Check Measurement (0x2A5E) with no optional fields: flags 0, SpO2, pulse rate. */
export function encodePlxSpotCheckMeasurement(value: PlxSpotCheckValue): Uint8Array {
  const out: number[] = [0x00];
  pushUint16(out, encodeSfloat(value.spo2));
  pushUint16(out, encodeSfloat(value.pulseRate));
  return Uint8Array.from(out);
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** MAP estimated the usual clinical way, diastolic plus a third of the pulse pressure. */
export function meanArterialPressure(systolic: number, diastolic: number): number {
  return Math.round(diastolic + (systolic - diastolic) / 3);
}
