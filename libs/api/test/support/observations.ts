import type { CanonicalObservation } from '@vigil/contracts';
import { ObservationsRepository, type SqlDatabase } from '@vigil/storage';

/**
 * Stores one observation as the scorer would (`ObservationsRepository`: compact rows behind the `observations`
 * view), for tests that need readings in place without running ingest and the scorer. Defaults to a device
 * reading; pass `deviceId: null` and `source: 'manual'` for one a nurse entered.
 */
export async function storeObservation(
  db: SqlDatabase,
  observation: Pick<CanonicalObservation, 'id' | 'patientId' | 'parameter' | 'value' | 'unit' | 'measuredAt'> &
    Partial<CanonicalObservation>,
): Promise<void> {
  await db.transaction((tx) =>
    new ObservationsRepository().insertMany(tx, [
      {
        retrospective: false,
        observation: {
          deviceId: null,
          valueCode: null,
          loinc: null,
          mdc: null,
          original: null,
          receivedAt: observation.measuredAt,
          source: 'json',
          messageId: observation.id,
          seq: null,
          detail: null,
          enteredBy: null,
          ...observation,
        },
      },
    ]),
  );
}
