import * as clinical from './index';

describe('@vigil/clinical public API', () => {
  it('exports the SPEC §8 functions by name', () => {
    expect(typeof clinical.scoreNews2).toBe('function');
    expect(typeof clinical.clinicalResponse).toBe('function');
    expect(typeof clinical.isValidNhsNumber).toBe('function');
    expect(typeof clinical.formatNhsNumber).toBe('function');
    expect(typeof clinical.normaliseNhsNumber).toBe('function');
    expect(clinical.NEWS2_SCORER_VERSION).toBe('news2@1');
  });

  it('scores and checks through the entry point', () => {
    expect(clinical.scoreNews2({ spo2Scale: 1, pulse: 135 }).perParameter).toEqual({ pulse: 3 });
    expect(clinical.isValidNhsNumber('943 476 5919')).toBe(true);
  });
});
