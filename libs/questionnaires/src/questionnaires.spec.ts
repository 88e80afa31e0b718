import { PARAMETERS } from '@vigil/contracts';
import {
  adviceFor,
  answersRecord,
  fallAwaitingAnswers,
  postFallAlertFor,
  DEFAULT_QUESTIONNAIRE,
  displayAccessCode,
  EN_GB,
  format,
  formatDate,
  formatDateTime,
  newAccessCode,
  normaliseAccessCode,
  parseAnswers,
  PATHWAY_QUESTIONNAIRES,
  POST_FALL_QUESTIONNAIRE,
  questionnaireById,
  questionnaireFor,
  reportedValues,
  smiCheckInStatus,
  smiContactCloses,
  smiEscalationDue,
  smiMissedAt,
  sourceOf,
} from './index';

const allYes = (q: typeof DEFAULT_QUESTIONNAIRE, answer = 'no') =>
  Object.fromEntries(q.questions.map((x) => [x.id, answer]));

describe('questionnaires per pathway', () => {
  it('has one for each virtual-ward pathway and falls back to the default for none or an unknown one', () => {
    for (const id of [
      'acute-respiratory-infection',
      'frailty',
      'heart-failure',
      'copd',
      'severe-mental-illness',
    ]) {
      expect(questionnaireFor(id).id).toBe(id);
    }
    expect(questionnaireFor('ARI').id).toBe('acute-respiratory-infection');
    expect(questionnaireFor('Heart failure').id).toBe('heart-failure');
    expect(questionnaireFor('smi').id).toBe('severe-mental-illness');
    expect(questionnaireFor(null)).toBe(DEFAULT_QUESTIONNAIRE);
    expect(questionnaireFor('general')).toBe(DEFAULT_QUESTIONNAIRE);
    expect(questionnaireFor('orthopaedics')).toBe(DEFAULT_QUESTIONNAIRE);
    expect(questionnaireById('post-fall')).toBe(POST_FALL_QUESTIONNAIRE);
  });

  it('asks about new confusion, breathlessness and chest pain on every acute pathway and by default', () => {
    for (const q of [
      DEFAULT_QUESTIONNAIRE,
      ...['acute-respiratory-infection', 'frailty', 'heart-failure', 'copd'].map(
        (id) => PATHWAY_QUESTIONNAIRES[id],
      ),
    ]) {
      const ids = q.questions.map((x) => x.id);
      expect(ids).toContain('new-confusion');
      expect(ids).toContain('chest-pain');
    }
  });

  it('every question, hint and reading has its words in the one catalogue, with no unfilled placeholder but {name}', () => {
    const all = [DEFAULT_QUESTIONNAIRE, POST_FALL_QUESTIONNAIRE, ...Object.values(PATHWAY_QUESTIONNAIRES)];
    for (const q of all) {
      for (const key of [
        q.title,
        q.lead,
        ...q.questions.flatMap((x) => [x.text, x.hint]),
        ...q.readings.flatMap((r) => [r.label, r.example]),
      ]) {
        if (key === undefined) continue;
        expect(EN_GB[key]).toEqual(expect.any(String));
        expect(format(EN_GB[key], { name: 'Ann' })).not.toMatch(/\{(?!name)\w+\}/);
      }
    }
  });

  it('readings of known parameters use the plausible range a nurse entry must meet', () => {
    const spo2 = DEFAULT_QUESTIONNAIRE.readings.find((r) => r.parameter === 'spo2')!;
    expect([spo2.min, spo2.max]).toEqual([50, 100]);
  });
});

describe('answers', () => {
  it('HZ-42: new confusion scores ACVPU C; no is Alert; "not sure" becomes no observation at all', () => {
    const q = DEFAULT_QUESTIONNAIRE;
    const parse = (confusion: string) => {
      const r = parseAnswers(q, { ...allYes(q), 'new-confusion': confusion });
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      return reportedValues(q, r.answers).filter((v) => v.parameter === 'consciousness');
    };
    expect(parse('yes')).toEqual([
      { parameter: 'consciousness', value: 1, valueCode: 'C', questionId: 'new-confusion' },
    ]);
    expect(parse('no')).toEqual([
      { parameter: 'consciousness', value: 0, valueCode: 'A', questionId: 'new-confusion' },
    ]);
    expect(parse('not-sure')).toEqual([]);
  });

  it('oxygen now becomes air or oxygen for scoring', () => {
    const q = DEFAULT_QUESTIONNAIRE;
    const r = parseAnswers(q, { ...allYes(q), 'on-oxygen': 'yes' });
    expect(r.ok && reportedValues(q, r.answers).find((v) => v.parameter === 'inspiredOxygen')).toMatchObject({
      value: 1,
      valueCode: 'oxygen',
    });
  });

  it('refuses a missing answer, "not sure" where it is not offered, and readings out of range or malformed', () => {
    const q = DEFAULT_QUESTIONNAIRE;
    const r = parseAnswers(q, {
      ...allYes(q),
      'new-confusion': '',
      'chest-pain': 'not-sure',
      'reading-spo2': '101',
      'reading-temperature': '37.25',
      'reading-heartRate': 'eighty',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.questionId, e.message])).toEqual([
      ['new-confusion', 'form.answerMissing'],
      ['chest-pain', 'form.answerMissing'],
      ['reading-temperature', 'form.numberInvalid'],
      ['reading-heartRate', 'form.numberInvalid'],
      ['reading-spo2', 'form.numberRange'],
    ]);
    expect(r.errors.find((e) => e.questionId === 'reading-spo2')?.params).toEqual({ min: 50, max: 100 });
  });

  it('takes typed readings (a comma as the decimal mark too) as observations of their parameter', () => {
    const q = DEFAULT_QUESTIONNAIRE;
    const r = parseAnswers(q, { ...allYes(q), 'reading-temperature': '38,4', 'reading-spo2': ' 93 ' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(reportedValues(q, r.answers).filter((v) => v.valueCode === null)).toEqual([
      { parameter: 'temperature', value: 38.4, valueCode: null, questionId: 'reading-temperature' },
      { parameter: 'spo2', value: 93, valueCode: null, questionId: 'reading-spo2' },
    ]);
  });

  it('keeps a reading of a parameter this build does not score (body weight) out of the observations', () => {
    const q = PATHWAY_QUESTIONNAIRES['heart-failure'];
    const r = parseAnswers(q, { ...allYes(q), 'reading-bodyWeight': '81.2' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.answers).toContainEqual({ questionId: 'reading-bodyWeight', kind: 'reading', value: 81.2 });
    const known = (PARAMETERS as readonly string[]).includes('bodyWeight');
    expect(reportedValues(q, r.answers).some((v) => v.parameter === ('bodyWeight' as never))).toBe(known);
  });

  it('advises 999 for chest pain, the ward for new confusion, nothing when all is well', () => {
    const q = DEFAULT_QUESTIONNAIRE;
    const advice = (over: Record<string, string>) => {
      const r = parseAnswers(q, { ...allYes(q), ...over });
      return r.ok ? adviceFor(q, r.answers) : 'invalid';
    };
    expect(advice({})).toBe('none');
    expect(advice({ 'new-confusion': 'yes' })).toBe('call-ward');
    expect(advice({ 'new-confusion': 'yes', 'chest-pain': 'yes' })).toBe('call-999');
  });

  it('after a fall: confusion since the fall scores C and calls 999; not getting up calls the ward', () => {
    const q = POST_FALL_QUESTIONNAIRE;
    const r = parseAnswers(q, { ...allYes(q), 'fall-get-up': 'no' });
    expect(r.ok && adviceFor(q, r.answers)).toBe('call-ward');
    const s = parseAnswers(q, { ...allYes(q), 'fall-get-up': 'yes', 'fall-confusion-since': 'yes' });
    expect(s.ok && adviceFor(q, s.answers)).toBe('call-999');
    expect(s.ok && reportedValues(q, s.answers)).toEqual([
      { parameter: 'consciousness', value: 1, valueCode: 'C', questionId: 'fall-confusion-since' },
      { parameter: 'chestPain', value: 0, valueCode: 'absent', questionId: 'chest-pain' },
    ]);
  });

  it('HZ-65: breathlessness and chest pain become reported symptoms; the worse breathlessness answer is the one sent', () => {
    const q = PATHWAY_QUESTIONNAIRES['acute-respiratory-infection'];
    const symptoms = (over: Record<string, string>) => {
      const r = parseAnswers(q, { ...allYes(q), ...over });
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      return reportedValues(q, r.answers)
        .filter((v) => v.parameter === 'breathlessness' || v.parameter === 'chestPain')
        .map((v) => [v.parameter, v.valueCode, v.value, v.questionId]);
    };
    expect(symptoms({})).toEqual([
      ['breathlessness', 'usual', 0, 'breathless'],
      ['chestPain', 'absent', 0, 'chest-pain'],
    ]);
    expect(symptoms({ breathless: 'yes' })).toEqual([
      ['breathlessness', 'worse-than-usual', 1, 'breathless'],
      ['chestPain', 'absent', 0, 'chest-pain'],
    ]);
    // At rest wins over worse than usual, whichever order the questions come in.
    expect(symptoms({ breathless: 'yes', 'breathless-at-rest': 'yes', 'chest-pain': 'yes' })).toEqual([
      ['breathlessness', 'at-rest', 2, 'breathless-at-rest'],
      ['chestPain', 'present', 1, 'chest-pain'],
    ]);
    expect(symptoms({ breathless: 'no', 'breathless-at-rest': 'yes' })[0]).toEqual([
      'breathlessness',
      'at-rest',
      2,
      'breathless-at-rest',
    ]);
  });

  it('HZ-65: more out of breath than usual tells the person to phone the ward; at rest or chest pain, 999', () => {
    const q = PATHWAY_QUESTIONNAIRES['copd'];
    const advice = (over: Record<string, string>) => {
      const r = parseAnswers(q, { ...allYes(q), ...over });
      return r.ok ? adviceFor(q, r.answers) : 'invalid';
    };
    expect(advice({ breathless: 'yes' })).toBe('call-ward');
    expect(advice({ 'breathless-at-rest': 'yes' })).toBe('call-999');
    expect(advice({ 'chest-pain': 'yes' })).toBe('call-999');
  });

  it('HZ-68 after a fall: what happened is kept in the person’s own words, optional, at most 500 characters', () => {
    const q = POST_FALL_QUESTIONNAIRE;
    const ok = parseAnswers(q, { ...allYes(q), 'fall-what-happened': '  Tripped on the rug  ' });
    expect(ok.ok && answersRecord(ok.answers)['fall-what-happened']).toBe('Tripped on the rug');
    expect(ok.ok && reportedValues(q, ok.answers).some((v) => v.questionId === 'fall-what-happened')).toBe(
      false,
    );
    const none = parseAnswers(q, allYes(q));
    expect(none.ok && answersRecord(none.answers)).not.toHaveProperty('fall-what-happened');
    const long = parseAnswers(q, { ...allYes(q), 'fall-what-happened': 'x'.repeat(501) });
    expect(long.ok ? [] : long.errors).toEqual([
      { questionId: 'fall-what-happened', message: 'form.textTooLong', params: { max: 500 } },
    ]);
    expect(q.questions.map((x) => x.id)).toEqual(
      expect.arrayContaining(['fall-injured', 'fall-long-lie', 'fall-get-up']),
    );
  });

  it('HZ-68 post-fall answers attach to the newest fall of the day before them; a fall already answered is not asked about again', () => {
    const at = new Date('2026-12-05T10:00:00Z');
    const fall = (id: string, hoursBefore: number, answered = false) => ({
      alertId: id,
      openedAt: new Date(at.getTime() - hoursBefore * 3_600_000),
      answered,
    });
    expect(postFallAlertFor(at, [fall('old', 30), fall('a', 5), fall('b', 1)])?.alertId).toBe('b');
    expect(postFallAlertFor(at, [fall('old', 25)])).toBeNull();
    // A fall noticed after the answers were given is not what they are about.
    expect(postFallAlertFor(at, [fall('later', -1)])).toBeNull();
    expect(fallAwaitingAnswers(at, [fall('b', 1)])?.alertId).toBe('b');
    expect(fallAwaitingAnswers(at, [fall('b', 1, true)])).toBeNull();
  });

  it('names the source by who answered', () => {
    expect(sourceOf('patient')).toBe('patient-reported');
    expect(sourceOf('carer')).toBe('carer-reported');
    expect(sourceOf('nurse-by-phone')).toBe('nurse-reported-by-phone');
  });
});

describe('dates for patients (Europe/London)', () => {
  it('shows BST in summer and GMT in winter, 12-hour clock', () => {
    expect(formatDateTime(new Date('2026-07-01T13:05:00Z'))).toBe('Wednesday 1 July 2026 at 2:05pm');
    expect(formatDateTime(new Date('2026-12-01T09:30:00Z'))).toBe('Tuesday 1 December 2026 at 9:30am');
    // 01:30 UTC on the last Sunday of March is 02:30 BST.
    expect(formatDateTime(new Date('2026-03-29T01:30:00Z'))).toBe('Sunday 29 March 2026 at 2:30am');
    expect(formatDate('1941-03-12')).toBe('12 March 1941');
  });
});

describe('access codes', () => {
  it('are 10 characters of the unambiguous alphabet and read back however they are typed', () => {
    const code = newAccessCode();
    expect(code).toMatch(/^[2-9A-HJ-NP-Z]{10}$/);
    expect(normaliseAccessCode(displayAccessCode(code).toLowerCase())).toBe(code);
    expect(normaliseAccessCode(' kx7p 4mrt q9 ')).toBe('KX7P4MRTQ9');
    expect(normaliseAccessCode('KX7P-4MRT')).toBeNull();
    expect(normaliseAccessCode('KX7P-4MRT-Q!')).toBeNull();
  });
});

describe('SMI check-ins', () => {
  const plan = { intervalDays: 7, graceHours: 48, startedAt: new Date('2026-01-01T09:00:00Z') };
  it('are due a week after the last, missed two days later, escalated once per missed check-in', () => {
    const last = new Date('2026-01-05T09:00:00Z');
    expect(smiCheckInStatus(plan, last, new Date('2026-01-11T09:00:00Z')).state).toBe('done');
    expect(smiCheckInStatus(plan, last, new Date('2026-01-12T10:00:00Z')).state).toBe('due');
    const missed = smiCheckInStatus(plan, last, new Date('2026-01-14T09:00:00Z'));
    expect(missed.state).toBe('missed');
    expect(smiEscalationDue(missed, null)).toBe(true);
    expect(smiEscalationDue(missed, missed.dueAt)).toBe(false);
    expect(smiCheckInStatus(plan, null, new Date('2026-01-10T09:00:00Z')).state).toBe('missed');
  });

  it('HZ-66 someone who never checks in again is missed again every week, each due date escalated once', () => {
    const first = smiCheckInStatus(plan, null, new Date('2026-01-10T09:00:00Z'));
    expect(first.dueAt.toISOString()).toBe('2026-01-08T09:00:00.000Z');
    // A week on, the next one is due (not yet missed), then missed after its grace.
    const nextDue = smiCheckInStatus(plan, null, new Date('2026-01-15T10:00:00Z'));
    expect(nextDue).toMatchObject({ state: 'due', dueAt: new Date('2026-01-15T09:00:00Z') });
    expect(smiEscalationDue(nextDue, first.dueAt)).toBe(false);
    const second = smiCheckInStatus(plan, null, new Date('2026-01-17T09:00:00Z'));
    expect(second.state).toBe('missed');
    expect(smiEscalationDue(second, first.dueAt)).toBe(true);
    expect(smiMissedAt(second.dueAt, 48)).toEqual(new Date('2026-01-17T09:00:00Z'));
  });

  it('HZ-66 reaching the person closes a missed check-in; no answer keeps it open', () => {
    expect(smiContactCloses('checked-in')).toBe(true);
    expect(smiContactCloses('will-check-in')).toBe(true);
    expect(smiContactCloses('concern-referred')).toBe(true);
    expect(smiContactCloses('no-answer')).toBe(false);
  });
});
