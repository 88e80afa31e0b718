import { type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import type { LoginRequest, User } from '@vigil/contracts';
import { useCallback } from 'react';
import { api } from '../api/http.client';
import { keys, useMe } from '../api/queries';

export function useCurrentUser(): User | null {
  return useMe().data ?? null;
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginRequest) => api.post<{ user: User }>('/auth/login', body),
    onSuccess: ({ user }) => {
      queryClient.setQueryData(keys.me, user);
    },
  });
}

/**
 * Signs the console out locally and drops every other cached answer: nothing one user saw may show to
 * the next. `me` is set, not removed, so its mounted observer switches the whole app to sign-in.
 */
export function forgetSession(queryClient: QueryClient): void {
  queryClient.setQueryData(keys.me, null);
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== keys.me[0] });
}

export function useSignedOut(): () => void {
  const queryClient = useQueryClient();
  return useCallback(() => forgetSession(queryClient), [queryClient]);
}

export function useSignOut() {
  const signedOut = useSignedOut();
  return useMutation({
    mutationFn: () => api.post<void>('/auth/logout'),
    onSettled: signedOut,
  });
}
