import { keepPreviousData, useQuery, type UseQueryResult } from '@tanstack/react-query';
import type {
  AlertDetail,
  AlertView,
  DeadLetterView,
  DeviceView,
  ObservationView,
  PatientDetail,
  PatientSummary,
  PipelineStatus,
  User,
  UserAccount,
  Ward,
} from '@vigil/contracts';
import { api, ApiError, query } from './http.client';

/**
 * Query keys, one tree per resource: socket events invalidate by prefix (e.g. ['alerts']) and the
 * matching queries refetch. Server state lives only in the query cache.
 */
export const keys = {
  me: ['me'] as const,
  wards: ['wards'] as const,
  alerts: ['alerts'] as const,
  alertList: (wardId: string | undefined) => ['alerts', 'list', wardId ?? 'all'] as const,
  alert: (id: string) => ['alerts', 'detail', id] as const,
  ccc: ['ccc'] as const,
  patients: ['patients'] as const,
  patientList: (wardId: string | undefined) => ['patients', 'list', wardId ?? 'all'] as const,
  patient: (id: string) => ['patients', 'detail', id] as const,
  observations: (id: string) => ['patients', 'observations', id] as const,
  patientAlerts: (id: string) => ['alerts', 'patient', id] as const,
  devices: ['devices'] as const,
  users: ['users'] as const,
  deadLetters: (deviceId: string, reason: string) => ['dead-letters', deviceId, reason] as const,
  status: ['status'] as const,
};

/** While the socket is down the console polls, so data keeps moving even if the banner is up. */
export const FALLBACK_POLL_MS = 15_000;
/**
 * The alert queues refetch on this timer even while the socket is up: a notification can be lost (e.g. a
 * scorer that died after its commit and before publishing the event; see HZ-04 in the hazard log), and
 * a lost notification must delay an alert by at most this long, never hide it.
 */
export const SAFETY_NET_POLL_MS = 60_000;

export function useMe(): UseQueryResult<User | null> {
  return useQuery({
    queryKey: keys.me,
    queryFn: async () => {
      try {
        return (await api.get<{ user: User }>('/auth/me')).user;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

export function useWards(enabled = true): UseQueryResult<Ward[]> {
  return useQuery({ queryKey: keys.wards, queryFn: () => api.get<Ward[]>('/wards'), enabled });
}

export function useAlerts(wardId: string | undefined, poll: boolean): UseQueryResult<AlertView[]> {
  return useQuery({
    queryKey: keys.alertList(wardId),
    queryFn: () => api.get<AlertView[]>(`/alerts${query({ wardId, state: 'open,acknowledged,escalated' })}`),
    refetchInterval: poll ? FALLBACK_POLL_MS : SAFETY_NET_POLL_MS,
    placeholderData: keepPreviousData,
  });
}

export function useAlert(id: string): UseQueryResult<AlertDetail> {
  return useQuery({ queryKey: keys.alert(id), queryFn: () => api.get<AlertDetail>(`/alerts/${id}`) });
}

export function useCccQueue(poll: boolean): UseQueryResult<AlertView[]> {
  return useQuery({
    queryKey: keys.ccc,
    queryFn: () => api.get<AlertView[]>('/ccc/queue'),
    refetchInterval: poll ? FALLBACK_POLL_MS : SAFETY_NET_POLL_MS,
  });
}

export function usePatients(wardId: string | undefined, enabled = true): UseQueryResult<PatientSummary[]> {
  return useQuery({
    queryKey: keys.patientList(wardId),
    queryFn: () => api.get<PatientSummary[]>(`/patients${query({ wardId })}`),
    enabled,
  });
}

export function usePatient(id: string, poll: boolean): UseQueryResult<PatientDetail> {
  return useQuery({
    queryKey: keys.patient(id),
    queryFn: () => api.get<PatientDetail>(`/patients/${id}`),
    refetchInterval: poll ? FALLBACK_POLL_MS : false,
  });
}

export function useObservations(id: string, hours = 24): UseQueryResult<ObservationView[]> {
  return useQuery({
    queryKey: keys.observations(id),
    queryFn: () => {
      const from = new Date(Date.now() - hours * 3_600_000).toISOString();
      return api.get<ObservationView[]>(`/patients/${id}/observations${query({ from })}`);
    },
  });
}

export function usePatientAlerts(id: string): UseQueryResult<AlertView[]> {
  return useQuery({
    queryKey: keys.patientAlerts(id),
    queryFn: () => api.get<AlertView[]>(`/patients/${id}/alerts`),
  });
}

export function useDevices(enabled = true): UseQueryResult<DeviceView[]> {
  return useQuery({ queryKey: keys.devices, queryFn: () => api.get<DeviceView[]>('/devices'), enabled });
}

export function useUsers(): UseQueryResult<UserAccount[]> {
  return useQuery({ queryKey: keys.users, queryFn: () => api.get<UserAccount[]>('/users') });
}

export function useDeadLetters(deviceId: string, reason: string): UseQueryResult<DeadLetterView[]> {
  return useQuery({
    queryKey: keys.deadLetters(deviceId, reason),
    queryFn: () => api.get<DeadLetterView[]>(`/dead-letters${query({ deviceId, reason, limit: 200 })}`),
  });
}

export function useStatus(): UseQueryResult<PipelineStatus> {
  return useQuery({
    queryKey: keys.status,
    queryFn: () => api.get<PipelineStatus>('/status'),
    refetchInterval: 30_000,
  });
}
