import type { ReportedAnswersView } from '@vigil/contracts';
import { EN_GB, format, questionnaireById } from '@vigil/questionnaires';

export const SOURCE_TEXT: Readonly<Record<ReportedAnswersView['source'], string>> = {
  'patient-reported': 'The patient',
  'carer-reported': 'A carer',
  'nurse-reported-by-phone': 'A nurse, by phone',
};

export const ADVICE_TEXT: Readonly<Record<ReportedAnswersView['advice'], string>> = {
  none: 'No advice needed',
  'call-ward': 'Told to phone the virtual ward',
  'call-999': 'Told to call 999',
};

const CHOICE_TEXT: Readonly<Record<string, string>> = { yes: 'Yes', no: 'No', 'not-sure': 'Not sure' };

/**
 * Issue 14 (HZ-68): reported answers as the nurse reads them — each question in the words the patient or carer
 * saw (with the patient's name), then the answer; questions in the questionnaire's order. An answer to a
 * question this build no longer asks is still shown, under its id, so nothing reported is hidden.
 */
export function answerLines(a: Pick<ReportedAnswersView, 'questionnaireId' | 'answers'>, givenName: string) {
  const q = questionnaireById(a.questionnaireId);
  const known: { id: string; text: string }[] = q
    ? [
        ...q.questions.map((x) => ({ id: x.id, text: format(EN_GB[x.text], { name: givenName }) })),
        ...(q.texts ?? []).map((x) => ({ id: x.id, text: format(EN_GB[x.label], { name: givenName }) })),
        ...q.readings.map((x) => ({ id: x.id, text: EN_GB[x.label] })),
      ]
    : [];
  const lines = known
    .filter((k) => a.answers[k.id] !== undefined)
    .map((k) => ({ id: k.id, question: k.text, answer: CHOICE_TEXT[a.answers[k.id]] ?? a.answers[k.id] }));
  for (const [id, value] of Object.entries(a.answers)) {
    if (!known.some((k) => k.id === id))
      lines.push({ id, question: id, answer: CHOICE_TEXT[value] ?? value });
  }
  return lines;
}
