import type { PatientDetail, Ward } from '@vigil/contracts';
import {
  displayNhsNumber,
  formatAge,
  formatDate,
  formatDateTime,
  isStale,
  patientName,
} from '../common/format';
import { News2Tag } from '../common/News2Tag';
import { oxygenPrescriptionText } from './clinical-settings';

interface Props {
  patient: PatientDetail;
  ward: Ward | undefined;
  now: number;
}

export function PatientBanner({ patient, ward, now }: Props) {
  const s = patient.latestScore;
  // HZ-06: a score older than the freshness window is not the patient's current state.
  const stale = s ? isStale(s.scoredAt, now, patient.monitoring) : false;
  const oxygen = oxygenPrescriptionText(patient.oxygenPrescription, patient.spo2Scale);
  return (
    <section className="vigil-banner" aria-labelledby="patient-name">
      <h1 id="patient-name" className="nhsuk-heading-l nhsuk-u-margin-bottom-2">
        {patientName(patient)}
      </h1>
      <dl className="vigil-banner__facts">
        <div>
          <dt>NHS number</dt>
          <dd data-testid="banner-nhs-number">{displayNhsNumber(patient.nhsNumber)}</dd>
        </div>
        <div>
          <dt>Date of birth</dt>
          <dd>{formatDate(patient.dateOfBirth)}</dd>
        </div>
        <div>
          <dt>Ward</dt>
          <dd>{ward?.name ?? 'Unknown ward'}</dd>
        </div>
        <div>
          <dt>SpO2 scale</dt>
          <dd>
            {patient.spo2Scale === 2 ? (
              <strong className="nhsuk-tag nhsuk-tag--orange" data-testid="scale-2-marker">
                Scale 2 – target 88–92%
              </strong>
            ) : (
              'Scale 1'
            )}
          </dd>
        </div>
        <div>
          <dt>Oxygen prescription</dt>
          <dd data-testid="oxygen-prescription">
            {oxygen.warn ? (
              <strong className="nhsuk-tag nhsuk-tag--orange">{oxygen.text}</strong>
            ) : (
              oxygen.text
            )}
            {patient.oxygenPrescription && (
              <div className="nhsuk-body-s nhsuk-u-margin-bottom-0">
                Set {formatDateTime(patient.oxygenPrescription.setAt)}: {patient.oxygenPrescription.reason}
              </div>
            )}
          </dd>
        </div>
        <div>
          <dt>Latest NEWS2</dt>
          <dd>
            {s ? (
              <>
                {stale && (
                  <strong
                    className="nhsuk-tag nhsuk-tag--grey nhsuk-u-margin-right-2"
                    data-testid="stale-score"
                  >
                    Stale – scored {formatAge(s.scoredAt, now)}
                  </strong>
                )}
                <News2Tag
                  total={s.total}
                  band={s.band}
                  partial={s.partial}
                  missing={s.missing}
                  range={s.range}
                />
              </>
            ) : (
              'No score yet'
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}
