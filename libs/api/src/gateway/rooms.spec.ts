import type { AlertEvent, AlertSummary } from '@vigil/contracts';
import type { Principal } from '../auth/principal';
import { roomsForEvent } from './alerts-events.consumer';
import { roomsFor } from './events.gateway';

const principal = (role: Principal['role'], wardIds: string[] = []): Principal => ({
  userId: 'u1',
  username: 'u',
  displayName: 'U',
  role,
  wardIds,
  sessionId: 's1',
});

describe('roomsFor (socket rooms a user joins)', () => {
  it('nurses and clinicians join their wards only; coordinators the CCC; admins the admin room', () => {
    expect(roomsFor(principal('nurse', ['w1', 'w2']))).toEqual([
      'user:u1',
      'session:s1',
      'ward:w1',
      'ward:w2',
    ]);
    expect(roomsFor(principal('clinician', ['w3']))).toEqual(['user:u1', 'session:s1', 'ward:w3']);
    expect(roomsFor(principal('coordinator', ['w1']))).toEqual(['user:u1', 'session:s1', 'ccc']);
    expect(roomsFor(principal('admin'))).toEqual(['user:u1', 'session:s1', 'admin']);
  });

  it('HZ-67 care-home staff join the rooms of the homes they work in, and no ward room', () => {
    expect(roomsFor(principal('care-home', ['w1']), ['h1', 'h2'])).toEqual([
      'user:u1',
      'session:s1',
      'care-home:h1',
      'care-home:h2',
    ]);
    // Homes are only ever given for care-home staff.
    expect(roomsFor(principal('nurse', ['w1']), ['h1'])).toEqual(['user:u1', 'session:s1', 'ward:w1']);
  });
});

describe('roomsForEvent', () => {
  const alert = { wardId: 'w1', escalatedAt: null } as unknown as AlertSummary;
  const event = (a: Partial<AlertSummary>): AlertEvent => ({
    type: 'alert.updated',
    alert: { ...alert, ...a },
    at: '2026-01-01T00:00:00Z',
    actor: null,
  });

  it('sends alerts to the ward and admins, and to the CCC once escalated', () => {
    expect(roomsForEvent(event({}))).toEqual(['ward:w1', 'admin']);
    expect(roomsForEvent(event({ escalatedAt: '2026-01-01T00:00:00Z' }))).toEqual([
      'ward:w1',
      'admin',
      'ccc',
    ]);
  });

  it('never sends scores to the CCC; pipeline status goes to everyone', () => {
    expect(
      roomsForEvent({
        type: 'score.updated',
        patientId: 'p',
        wardId: 'w2',
        score: {} as never,
      }),
    ).toEqual(['ward:w2', 'admin']);
    expect(
      roomsForEvent({ type: 'pipeline.status', healthy: false, lastHeartbeatAt: null, detail: '' }),
    ).toBe('everyone');
  });
});
