import type { ApiErrorBody } from '@vigil/contracts';

/** An api error, carrying the server's code and message so the page can show them as they are. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && 'message' in error && 'code' in error;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** The one place the console talks HTTP: same-origin, session cookie, JSON, typed errors. */
export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  return (await exchange<T>(method, path, body)).body;
}

/** One page of a paged list: its items, the cursor of the next page (`X-Next-Cursor`) and `X-Total-Count`. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total: number | null;
}

/** GET one page of a list the api pages by cursor. */
export async function getPage<T>(path: string): Promise<Page<T>> {
  const { body, headers } = await exchange<T[]>('GET', path);
  if (!Array.isArray(body)) {
    throw new ApiError(200, 'bad-response', 'Vigil got a list it could not read from the server; try again.');
  }
  const total = headers.get('X-Total-Count');
  return {
    items: body,
    nextCursor: headers.get('X-Next-Cursor'),
    total: total !== null && /^\d+$/.test(total) ? Number(total) : null,
  };
}

async function exchange<T>(
  method: Method,
  path: string,
  body?: unknown,
): Promise<{ body: T; headers: Headers }> {
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      credentials: 'include',
      headers:
        body === undefined
          ? { Accept: 'application/json' }
          : { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(
      0,
      'network-error',
      'Vigil could not reach the server. Check your connection and try again.',
    );
  }
  const { headers } = response;
  if (response.status === 204 || response.status === 202) {
    const text = await response.text();
    return { body: (text ? JSON.parse(text) : undefined) as T, headers };
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    if (isErrorBody(parsed)) {
      throw new ApiError(response.status, parsed.error.code, parsed.error.message, parsed.error.fields ?? []);
    }
    throw new ApiError(response.status, 'http-error', `The server answered ${response.status}. Try again.`);
  }
  // A success without a JSON body is not an answer from the api (a proxy or portal page): reading it as
  // "nothing" would show an empty alert queue as "no active alerts" (HZ-02).
  if (parsed === undefined) {
    throw new ApiError(
      response.status,
      'bad-response',
      'Vigil got an answer it could not read from the server. What is shown may be incomplete; try again.',
    );
  }
  return { body: parsed as T, headers };
}

export const api = {
  get: <T>(path: string): Promise<T> => request<T>('GET', path),
  post: <T>(path: string, body: unknown = {}): Promise<T> => request<T>('POST', path, body),
  put: <T>(path: string, body: unknown): Promise<T> => request<T>('PUT', path, body),
};

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong. Try again.';
}

/** "?a=1&b=2" from the defined entries, or "". */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}
