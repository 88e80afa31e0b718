import { validateAdmission, type AdmitInput } from './admit-patient';

const good: AdmitInput = {
  nhsNumber: '943 476 5919',
  givenName: 'Ada',
  familyName: 'Lovelace',
  dateOfBirth: '1950-12-10',
  wardId: '6a1f8c5e-3c1b-4c35-9e44-1d2f3a4b5c6d',
  spo2Scale: '2',
};

describe('validateAdmission', () => {
  it('accepts a valid admission and sends the ten-digit NHS number', () => {
    expect(validateAdmission(good)).toEqual({
      errors: [],
      body: {
        nhsNumber: '9434765919',
        givenName: 'Ada',
        familyName: 'Lovelace',
        dateOfBirth: '1950-12-10',
        wardId: good.wardId,
        spo2Scale: 2,
      },
    });
  });

  it('refuses an NHS number with a wrong check digit', () => {
    const r = validateAdmission({ ...good, nhsNumber: '9434765918' });
    expect(r.body).toBeNull();
    expect(r.errors).toEqual([
      { href: 'admit-nhs', message: 'Enter a valid NHS number: 10 digits, like 943 476 5919' },
    ]);
  });

  it('lists every missing field', () => {
    const r = validateAdmission({ ...good, nhsNumber: '', givenName: ' ', familyName: '', wardId: '' });
    expect(r.errors.map((e) => e.href)).toEqual(['admit-nhs', 'admit-given', 'admit-family', 'admit-ward']);
  });
});
