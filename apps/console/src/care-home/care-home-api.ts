import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CareHomeFallView, CareHomeView, ResidentView } from '@vigil/contracts';
import { api } from '../api/http.client';
import { FALLBACK_POLL_MS } from '../api/queries';

/** The falls view as the api computes it (`libs/api/src/care-homes/falls-report.ts`). */
export interface FallsReport {
  generatedAt: string;
  falls7: number;
  falls30: number;
  acknowledged30: number;
  medianMinutesToAcknowledge: number | null;
  longestMinutesToAcknowledge: number | null;
  timedOutToVirtualWard30: number;
  repeatFallers: number;
  residents: {
    patientId: string;
    name: string;
    room: string | null;
    fallsPrevention: boolean;
    falls7: number;
    falls30: number;
    repeatFaller: boolean;
    lastFallAt: string | null;
  }[];
}

/**
 * Care-home staff's falls list is live (issue 14, HZ-67): the socket's `care-home` events (their homes' rooms)
 * invalidate it, so a fall or a colleague's acknowledgement shows at once. It polls only while the socket is
 * down, this often (a fall waits seconds, not minutes).
 */
export const CARE_HOME_POLL_MS = 5_000;

export const careHomeKeys = {
  homes: ['care-homes'] as const,
  falls: (id: string) => ['care-homes', id, 'falls'] as const,
  report: (id: string) => ['care-homes', id, 'report'] as const,
  residents: (id: string) => ['care-homes', id, 'residents'] as const,
};

export function useCareHomes() {
  return useQuery({ queryKey: careHomeKeys.homes, queryFn: () => api.get<CareHomeView[]>('/care-homes') });
}

export function useCareHomeFalls(id: string, poll: boolean) {
  return useQuery({
    queryKey: careHomeKeys.falls(id),
    queryFn: () => api.get<CareHomeFallView[]>(`/care-homes/${id}/falls`),
    refetchInterval: poll ? CARE_HOME_POLL_MS : false,
  });
}

export function useFallsReport(id: string, poll: boolean) {
  return useQuery({
    queryKey: careHomeKeys.report(id),
    queryFn: () => api.get<FallsReport>(`/care-homes/${id}/falls-report`),
    refetchInterval: poll ? FALLBACK_POLL_MS : false,
  });
}

export function useResidents(id: string) {
  return useQuery({
    queryKey: careHomeKeys.residents(id),
    queryFn: () => api.get<ResidentView[]>(`/care-homes/${id}/residents`),
  });
}

export type FallAction = { kind: 'acknowledge' } | { kind: 'resolve'; note: string };

export function useFallAction(homeId: string, alertId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (action: FallAction) =>
      api.post<CareHomeFallView>(
        `/care-homes/${homeId}/falls/${alertId}/${action.kind}`,
        action.kind === 'resolve' ? { note: action.note } : {},
      ),
    onSettled: () => client.invalidateQueries({ queryKey: ['care-homes', homeId] }),
  });
}

export function useFallsPrevention(homeId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { patientId: string; enrolled: boolean }) =>
      api.put<void>(`/care-homes/${homeId}/residents/${input.patientId}/falls-prevention`, {
        enrolled: input.enrolled,
      }),
    onSettled: () => client.invalidateQueries({ queryKey: ['care-homes', homeId] }),
  });
}
