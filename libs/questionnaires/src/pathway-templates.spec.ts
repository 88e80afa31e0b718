import { PATHWAY_IDS } from '@vigil/pathways';
import { DEFAULT_QUESTIONNAIRE, pathwayId, questionnaireFor } from './questionnaires';

describe('questionnaires follow the monitoring plan (issues 13 and 14)', () => {
  // Applying a pathway template stores its id as the patient's pathway; the patient page reads that.
  it.each(PATHWAY_IDS.map((id) => [id]))(
    'HZ-42 the %s template gives its own questionnaire, not the default',
    (templateId) => {
      expect(pathwayId(templateId)).not.toBeNull();
      expect(questionnaireFor(templateId)).not.toBe(DEFAULT_QUESTIONNAIRE);
    },
  );
});
