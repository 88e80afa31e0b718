import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiErrorMessage } from './ApiErrorMessage';

/** Loading and error states for one query, so every page says what is happening. */
export function PageState<T>({
  query,
  children,
}: {
  query: UseQueryResult<T>;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <p className="nhsuk-body">Loading…</p>;
  if (query.isError) return <ApiErrorMessage error={query.error} />;
  return <>{children(query.data)}</>;
}
