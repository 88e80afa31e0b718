import type { CareHomeFallView } from '@vigil/contracts';
import { fallStatus, minutesText } from './care-home-text';

const fall = (state: string, withWhom: string) =>
  ({ alert: { state }, with: withWhom }) as unknown as CareHomeFallView;

describe('care-home falls in words', () => {
  it('says who has the fall now', () => {
    expect(fallStatus(fall('open', 'care-home'))).toBe('Waiting for the home to acknowledge');
    expect(fallStatus(fall('open', 'virtual-ward'))).toBe(
      'Not acknowledged in time: sent to the virtual ward',
    );
    expect(fallStatus(fall('escalated', 'ccc'))).toBe('Escalated to the care coordination centre');
    expect(fallStatus(fall('acknowledged', 'care-home'))).toBe('Acknowledged by the home');
    expect(fallStatus(fall('resolved', 'care-home'))).toBe('Resolved');
  });
  it('writes minutes', () => {
    expect(minutesText(null)).toBe('–');
    expect(minutesText(1)).toBe('1 minute');
    expect(minutesText(4.5)).toBe('4.5 minutes');
  });
});
