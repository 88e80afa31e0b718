import type { ReportedAnswersView } from '@vigil/contracts';
import type { StoredReportedAnswers } from '@vigil/storage';

/** Reported answers as staff see them (a patient's list; issue 14: a fall alert's post-fall answers). */
export function answersView(a: StoredReportedAnswers): ReportedAnswersView {
  return {
    id: a.id,
    questionnaireId: a.questionnaireId,
    source: a.source,
    enteredBy: a.enteredBy,
    answers: a.answers,
    advice: a.advice,
    observationIds: a.observationIds,
    answeredAt: a.answeredAt.toISOString(),
    alertId: a.alertId ?? null,
  };
}
