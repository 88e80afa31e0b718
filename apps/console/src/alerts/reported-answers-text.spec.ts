import { answerLines } from './reported-answers-text';

describe('post-fall answers as the nurse reads them (HZ-68)', () => {
  it('shows each question with the patient’s name, in the questionnaire’s order, and the person’s own words', () => {
    const lines = answerLines(
      {
        questionnaireId: 'post-fall',
        answers: {
          'fall-get-up': 'no',
          'fall-what-happened': 'Slipped in the bathroom reaching for a towel',
          'fall-long-lie': 'yes',
          'fall-injured': 'yes',
        },
      },
      'Edith',
    );
    expect(lines.map((l) => [l.question, l.answer])).toEqual([
      ['Did Edith hurt themselves in the fall?', 'Yes'],
      ['Could Edith get up without help?', 'No'],
      ['Was Edith on the floor for more than 1 hour?', 'Yes'],
      ['What happened?', 'Slipped in the bathroom reaching for a towel'],
    ]);
  });

  it('never hides an answer to a question it does not know', () => {
    expect(
      answerLines({ questionnaireId: 'post-fall', answers: { 'old-question': 'not-sure' } }, 'Ann'),
    ).toEqual([{ id: 'old-question', question: 'old-question', answer: 'Not sure' }]);
  });
});
