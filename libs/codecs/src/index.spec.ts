import * as codecs from './index';

describe('@vigil/codecs public API (SPEC §8)', () => {
  it('exports the stable names', () => {
    for (const name of [
      'CodecError',
      'decodeSfloat',
      'decodeFloat',
      'decodeBloodPressureMeasurement',
      'decodePlxSpotCheckMeasurement',
      'decodePlxContinuousMeasurement',
      'decodeTemperatureMeasurement',
      'decodeGattCharacteristic',
      'normaliseReadings',
    ] as const) {
      expect(typeof codecs[name]).toBe('function');
    }
  });

  it('exports the constants behind its decisions', () => {
    expect(codecs.MMHG_PER_KPA).toBe(7.50061683);
    expect(codecs.PLX_INVALIDATING_BITS).toEqual([
      'measurementUnavailable',
      'invalidMeasurementDetected',
      'dataForDemonstration',
      'dataForTesting',
    ]);
    expect(codecs.PLX_MEASUREMENT_STATUS_BITS.size).toBe(11);
    expect(codecs.PLX_DEVICE_AND_SENSOR_STATUS_BITS.size).toBe(16);
    // HZ-05 HZ-20: which cuff user is the patient, and how far a peripheral's clock may be from the hub's.
    expect([codecs.PATIENT_CUFF_USER, codecs.UNKNOWN_CUFF_USER]).toEqual([1, 255]);
    expect(codecs.PERIPHERAL_CLOCK_TOLERANCE_MS).toBe(300_000);
    expect(typeof codecs.otherCuffUser).toBe('function');
    expect(typeof codecs.decidePeripheralTime).toBe('function');
  });

  it('decodes through the public entry point', () => {
    const bytes = Uint8Array.of(0x00, 0x78, 0x00, 0x50, 0x00, 0x5d, 0x00);
    expect(codecs.decodeBloodPressureMeasurement(bytes).systolic).toEqual({
      value: 120,
      mantissa: 120,
      exponent: 0,
    });
    expect(() => codecs.decodeSfloat(0x10000)).toThrow(codecs.CodecError);
  });
});
