import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import type { PathwayTemplateView, PlanView, WardScheduleRow } from '@vigil/contracts';
import { api, ApiError, query } from '../api/http.client';
import { FALLBACK_POLL_MS, SAFETY_NET_POLL_MS } from '../api/queries';

export const pathwayKeys = {
  templates: ['pathways', 'templates'] as const,
  plan: (patientId: string) => ['patients', 'plan', patientId] as const,
  schedule: (wardId: string | undefined) => ['pathways', 'schedule', wardId ?? 'all'] as const,
};

export function useTemplates(): UseQueryResult<PathwayTemplateView[]> {
  return useQuery({
    queryKey: pathwayKeys.templates,
    queryFn: () => api.get<PathwayTemplateView[]>('/pathways/templates'),
    staleTime: 3_600_000,
  });
}

/** The patient's plan, or null when they have none (admitted without a pathway). */
export function usePlan(patientId: string, enabled = true): UseQueryResult<PlanView | null> {
  return useQuery({
    queryKey: pathwayKeys.plan(patientId),
    queryFn: async () => {
      try {
        return await api.get<PlanView>(`/patients/${patientId}/plan`);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    enabled,
    refetchInterval: SAFETY_NET_POLL_MS,
  });
}

export function useWardSchedule(
  wardId: string | undefined,
  poll: boolean,
): UseQueryResult<WardScheduleRow[]> {
  return useQuery({
    queryKey: pathwayKeys.schedule(wardId),
    queryFn: () => api.get<WardScheduleRow[]>(`/pathways/schedule${query({ wardId })}`),
    refetchInterval: poll ? FALLBACK_POLL_MS : SAFETY_NET_POLL_MS,
  });
}
