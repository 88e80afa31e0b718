import { evaluatePipelineStalled, PIPELINE_SUBJECT } from './pipeline-stalled.rule';
import { AT } from './test-context';

describe('pipeline-stalled rule', () => {
  const beat = (secondsAgo: number) => new Date(AT.getTime() - secondsAgo * 1000);

  it('raises a technical finding once the newest heartbeat is older than the stall limit', () => {
    expect(evaluatePipelineStalled(beat(121), AT, 120)).toMatchObject({
      active: true,
      subject: PIPELINE_SUBJECT,
      severity: 'technical',
      rule: expect.objectContaining({ id: 'pipeline-stalled', kind: 'technical' }),
      reason: expect.stringMatching(/more than 120 seconds/),
    });
  });

  it('is clear at and within the limit', () => {
    expect(evaluatePipelineStalled(beat(120), AT, 120)).toMatchObject({ active: false });
    expect(evaluatePipelineStalled(beat(0), AT, 120)).toMatchObject({ active: false });
  });

  it('says nothing before the first heartbeat was ever recorded', () => {
    expect(evaluatePipelineStalled(null, AT, 120)).toBeNull();
  });
});
