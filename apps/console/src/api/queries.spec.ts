import {
  alertQueryOptions,
  FALLBACK_POLL_MS,
  observationsQueryOptions,
  patientAlertsQueryOptions,
  patientQueryOptions,
} from './queries';

describe('live pages poll while the socket is down', () => {
  it('HZ-06 the alert page, the patient page (observations, alert history) poll every 15 s while the socket is down, as the banner says', () => {
    expect(FALLBACK_POLL_MS).toBe(15_000);
    const pages = [
      alertQueryOptions('a1', true),
      patientQueryOptions('p1', true),
      observationsQueryOptions('p1', true),
      patientAlertsQueryOptions('p1', true),
    ];
    for (const options of pages) expect(options.refetchInterval).toBe(FALLBACK_POLL_MS);
    // With the socket up its notifications drive them: no polling.
    for (const options of [
      alertQueryOptions('a1', false),
      observationsQueryOptions('p1', false),
      patientAlertsQueryOptions('p1', false),
    ]) {
      expect(options.refetchInterval).toBe(false);
    }
  });
});
