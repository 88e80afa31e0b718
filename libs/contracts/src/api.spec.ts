import {
  acknowledgeAlertRequestSchema,
  admitPatientRequestSchema,
  alertsQuerySchema,
  createUserRequestSchema,
  pathwayDischargeRequestSchema,
  escalateAlertRequestSchema,
  manualObservationRequestSchema,
  oxygenPrescriptionRequestSchema,
  resolveAlertRequestSchema,
  snoozeAlertRequestSchema,
  spo2ScaleRequestSchema,
  thresholdsRequestSchema,
  updateUserRequestSchema,
} from './api';

describe('api request schemas', () => {
  const admit = {
    nhsNumber: '943 476 5919',
    givenName: 'A',
    familyName: 'B',
    wardId: '6f1c1a52-8f0e-4c43-9c8e-0a3b7e2b8d11',
  };

  it('admit: accepts a valid NHS number in either form, refuses a bad check digit', () => {
    expect(admitPatientRequestSchema.safeParse(admit).success).toBe(true);
    expect(admitPatientRequestSchema.safeParse({ ...admit, nhsNumber: '9434765919' }).success).toBe(true);
    const bad = admitPatientRequestSchema.safeParse({ ...admit, nhsNumber: '9434765918' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({
      path: ['nhsNumber'],
      message: expect.stringMatching(/Modulus 11/),
    });
    expect(admitPatientRequestSchema.safeParse({ ...admit, nhsNumber: ' 9434765919' }).success).toBe(false);
  });

  it('resolve needs a non-blank note and an outcome (HZ-37); escalate needs a reason and goes to the CCC', () => {
    const seen = { severity: 'medium', attentionSince: '2026-11-30T09:00:00.000Z' };
    expect(resolveAlertRequestSchema.safeParse({ note: '  ', outcome: 'no-action', seen }).success).toBe(
      false,
    );
    expect(resolveAlertRequestSchema.safeParse({ note: 'done', seen }).success).toBe(false);
    expect(resolveAlertRequestSchema.parse({ note: ' done ', outcome: 'advice-given', seen })).toEqual({
      note: 'done',
      outcome: 'advice-given',
      seen,
    });
    expect(escalateAlertRequestSchema.parse({ reason: 'worse' })).toEqual({
      reason: 'worse',
      destination: 'ccc',
    });
    expect(escalateAlertRequestSchema.safeParse({ reason: 'worse', destination: 'gp' }).success).toBe(false);
    expect(escalateAlertRequestSchema.safeParse({ reason: '' }).success).toBe(false);
  });

  it('HZ-10 acknowledge, snooze and resolve say what was seen (severity and attentionSince); nothing else is taken', () => {
    const seen = { severity: 'medium', attentionSince: '2026-11-30T09:00:00.000Z' };
    expect(acknowledgeAlertRequestSchema.parse({ seen })).toEqual({ seen });
    expect(acknowledgeAlertRequestSchema.safeParse({}).success).toBe(false);
    expect(acknowledgeAlertRequestSchema.safeParse({ seen: { ...seen, severity: 'urgent' } }).success).toBe(
      false,
    );
    expect(acknowledgeAlertRequestSchema.safeParse({ seen: { severity: 'high' } }).success).toBe(false);
    expect(snoozeAlertRequestSchema.safeParse({ minutes: 30 }).success).toBe(false);
    expect(snoozeAlertRequestSchema.parse({ minutes: 30, seen })).toEqual({ minutes: 30, seen });
    expect(resolveAlertRequestSchema.safeParse({ note: 'done', outcome: 'no-action' }).success).toBe(false);
  });

  it('manual observation: needs one value and a time; ranges from the parameter definitions', () => {
    const at = '2026-01-01T10:00:00Z';
    expect(manualObservationRequestSchema.safeParse({ measuredAt: at }).success).toBe(false);
    expect(manualObservationRequestSchema.safeParse({ measuredAt: at, spo2: 101 }).success).toBe(false);
    expect(manualObservationRequestSchema.safeParse({ measuredAt: at, consciousness: 'X' }).success).toBe(
      false,
    );
    expect(manualObservationRequestSchema.parse({ measuredAt: at, consciousness: 'A' })).toEqual({
      measuredAt: at,
      consciousness: 'A',
    });
  });

  it('thresholds need below or above, in order', () => {
    expect(thresholdsRequestSchema.safeParse([{ parameter: 'spo2' }]).success).toBe(false);
    expect(
      thresholdsRequestSchema.safeParse([{ parameter: 'heartRate', below: 100, above: 50 }]).success,
    ).toBe(false);
    expect(thresholdsRequestSchema.safeParse([{ parameter: 'spo2', below: 88 }]).success).toBe(true);
  });

  it('users: username pattern, minimum password length, updates need a field', () => {
    const user = { username: 'nurse.a', displayName: 'N', role: 'nurse', password: 'twelve chars' };
    expect(createUserRequestSchema.parse(user).wardIds).toEqual([]);
    expect(createUserRequestSchema.safeParse({ ...user, username: 'Nurse A' }).success).toBe(false);
    expect(createUserRequestSchema.safeParse({ ...user, password: 'short' }).success).toBe(false);
    expect(createUserRequestSchema.safeParse({ ...user, role: 'root' }).success).toBe(false);
    expect(updateUserRequestSchema.safeParse({}).success).toBe(false);
  });

  it('alerts query: comma-separated states', () => {
    expect(alertsQuerySchema.parse({ state: 'open,escalated' })).toEqual({ state: ['open', 'escalated'] });
    expect(alertsQuerySchema.safeParse({ state: 'open,closed' }).success).toBe(false);
  });

  it('HZ-19 N1 R9 scale and oxygen prescription changes need a non-blank reason, named in the message', () => {
    const noReason = spo2ScaleRequestSchema.safeParse({ scale: 2 });
    expect(noReason.error?.issues[0]).toMatchObject({
      path: ['reason'],
      message: 'an SpO2 scale change needs a reason',
    });
    expect(spo2ScaleRequestSchema.safeParse({ scale: 2, reason: '   ' }).success).toBe(false);
    expect(spo2ScaleRequestSchema.parse({ scale: 2, reason: ' COPD, target 88–92% ' })).toEqual({
      scale: 2,
      reason: 'COPD, target 88–92%',
    });
    const blank = oxygenPrescriptionRequestSchema.safeParse({ onOxygen: true, reason: ' ' });
    expect(blank.error?.issues[0]).toMatchObject({
      path: ['reason'],
      message: 'an oxygen prescription needs a reason',
    });
    const notBoolean = oxygenPrescriptionRequestSchema.safeParse({ onOxygen: 'yes', reason: 'r' });
    expect(notBoolean.error?.issues[0]?.message).toMatch(/onOxygen must be true .* or false/);
  });

  it('HZ-24 R14 discharge: the handover note is optional but never blank; outcome and device return are required', () => {
    const base = { outcome: 'recovered-at-home', deviceReturn: 'returned' };
    expect(pathwayDischargeRequestSchema.parse(base)).toEqual({ ...base, note: '' });
    expect(pathwayDischargeRequestSchema.parse({ ...base, handoverNote: ' GP informed ' })).toMatchObject({
      handoverNote: 'GP informed',
    });
    expect(pathwayDischargeRequestSchema.safeParse({ ...base, handoverNote: '  ' }).success).toBe(false);
    expect(pathwayDischargeRequestSchema.safeParse({ handoverNote: 'x' }).success).toBe(false);
  });
});
