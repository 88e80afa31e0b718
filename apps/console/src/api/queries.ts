import { keepPreviousData, queryOptions, useQuery, type UseQueryResult } from '@tanstack/react-query';
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
import { type Queue, readWholeQueue } from './alert-queue';
import { api, ApiError, getPage, query } from './http.client';

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

/**
 * HZ-06: the one polling setting of every page that shows live data. While the socket is down the page
 * refetches every `FALLBACK_POLL_MS` — the live banner promises it; while the socket is up its
 * notifications drive refetches, with `whileLive` as a safety net where a lost one must not hide an alert.
 */
export function livePoll(socketDown: boolean, whileLive: number | false = false): number | false {
  return socketDown ? FALLBACK_POLL_MS : whileLive;
}

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

/** Every unresolved alert of the wards asked for, every page of them (HZ-02), polled as a queue. */
export function alertsQueryOptions(wardId: string | undefined, poll: boolean) {
  return queryOptions({
    queryKey: keys.alertList(wardId),
    queryFn: (): Promise<Queue<AlertView>> =>
      readWholeQueue((cursor) =>
        getPage<AlertView>(`/alerts${query({ wardId, state: 'open,acknowledged,escalated', cursor })}`),
      ),
    refetchInterval: livePoll(poll, SAFETY_NET_POLL_MS),
    // The old ward's list stays on screen while the new one loads; `isPlaceholderData` marks it (HZ-02).
    placeholderData: keepPreviousData,
  });
}

export function useAlerts(wardId: string | undefined, poll: boolean): UseQueryResult<Queue<AlertView>> {
  return useQuery(alertsQueryOptions(wardId, poll));
}

/** The alert page: polled while the socket is down (HZ-06), so a worsening shows before an action (HZ-10). */
export function alertQueryOptions(id: string, poll: boolean) {
  return queryOptions({
    queryKey: keys.alert(id),
    queryFn: () => api.get<AlertDetail>(`/alerts/${id}`),
    refetchInterval: livePoll(poll),
  });
}

export function useAlert(id: string, poll: boolean): UseQueryResult<AlertDetail> {
  return useQuery(alertQueryOptions(id, poll));
}

/** The CCC queue, every page of it (HZ-02, HZ-22). */
export function cccQueueQueryOptions(poll: boolean) {
  return queryOptions({
    queryKey: keys.ccc,
    queryFn: (): Promise<Queue<AlertView>> =>
      readWholeQueue((cursor) => getPage<AlertView>(`/ccc/queue${query({ cursor })}`)),
    refetchInterval: livePoll(poll, SAFETY_NET_POLL_MS),
  });
}

export function useCccQueue(poll: boolean): UseQueryResult<Queue<AlertView>> {
  return useQuery(cccQueueQueryOptions(poll));
}

export function usePatients(wardId: string | undefined, enabled = true): UseQueryResult<PatientSummary[]> {
  return useQuery({
    queryKey: keys.patientList(wardId),
    queryFn: () => api.get<PatientSummary[]>(`/patients${query({ wardId })}`),
    enabled,
  });
}

export function patientQueryOptions(id: string, poll: boolean) {
  return queryOptions({
    queryKey: keys.patient(id),
    queryFn: () => api.get<PatientDetail>(`/patients/${id}`),
    refetchInterval: livePoll(poll),
  });
}

export function usePatient(id: string, poll: boolean): UseQueryResult<PatientDetail> {
  return useQuery(patientQueryOptions(id, poll));
}

export function observationsQueryOptions(id: string, poll: boolean, hours = 24) {
  return queryOptions({
    queryKey: keys.observations(id),
    queryFn: () => {
      const from = new Date(Date.now() - hours * 3_600_000).toISOString();
      return api.get<ObservationView[]>(`/patients/${id}/observations${query({ from })}`);
    },
    refetchInterval: livePoll(poll),
  });
}

export function useObservations(id: string, poll: boolean, hours = 24): UseQueryResult<ObservationView[]> {
  return useQuery(observationsQueryOptions(id, poll, hours));
}

export function patientAlertsQueryOptions(id: string, poll: boolean) {
  return queryOptions({
    queryKey: keys.patientAlerts(id),
    queryFn: () => api.get<AlertView[]>(`/patients/${id}/alerts`),
    refetchInterval: livePoll(poll),
  });
}

export function usePatientAlerts(id: string, poll: boolean): UseQueryResult<AlertView[]> {
  return useQuery(patientAlertsQueryOptions(id, poll));
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
