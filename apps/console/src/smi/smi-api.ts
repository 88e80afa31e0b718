import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { MissedCheckInView, SmiContactRequest } from '@vigil/contracts';
import { api } from '../api/http.client';
import { FALLBACK_POLL_MS } from '../api/queries';

export const smiKeys = {
  all: ['smi'] as const,
  missed: ['smi', 'missed'] as const,
};

/**
 * Missed SMI check-ins the user should act on. Live: the socket's `smi` events invalidate this (LiveProvider);
 * it polls only while the socket is down.
 */
export function useMissedCheckIns(enabled: boolean, poll: boolean) {
  return useQuery({
    queryKey: smiKeys.missed,
    queryFn: () => api.get<MissedCheckInView[]>('/smi/missed-check-ins'),
    enabled,
    refetchInterval: poll ? FALLBACK_POLL_MS : false,
  });
}

export function useRecordContact(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: SmiContactRequest) =>
      api.post<{ closed: boolean }>(`/smi/missed-check-ins/${id}/contacts`, body),
    onSettled: () => client.invalidateQueries({ queryKey: smiKeys.all }),
  });
}
