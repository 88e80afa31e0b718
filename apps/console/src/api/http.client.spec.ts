import { ApiError, getPage, request } from './http.client';

function answer(body: string, status: number, contentType = 'application/json'): void {
  jest
    .spyOn(globalThis, 'fetch')
    .mockResolvedValue(
      new Response(status === 204 ? null : body, { status, headers: { 'Content-Type': contentType } }),
    );
}

describe('request', () => {
  afterEach(() => jest.restoreAllMocks());

  it('returns the parsed JSON of a successful answer', async () => {
    answer('[{"id":"a1"}]', 200);
    await expect(request('GET', '/alerts')).resolves.toEqual([{ id: 'a1' }]);
  });

  it('HZ-02 a 200 answer that is not JSON (e.g. a proxy page) fails the request, never reads as an empty queue', async () => {
    answer('<!doctype html><title>Sign in to the network</title>', 200, 'text/html');
    const error = await request('GET', '/alerts').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('bad-response');
  });

  it('HZ-02 an empty 200 answer fails the request, never reads as an empty queue', async () => {
    answer('', 200);
    await expect(request('GET', '/alerts')).rejects.toBeInstanceOf(ApiError);
  });

  it('accepts an empty 204 and 202 answer', async () => {
    answer('', 204);
    await expect(request('POST', '/auth/logout', {})).resolves.toBeUndefined();
    jest.restoreAllMocks();
    answer('', 202);
    await expect(request('POST', '/patients/p1/observations', {})).resolves.toBeUndefined();
  });

  it('carries the server error code and message of a failed request', async () => {
    answer('{"error":{"code":"forbidden","message":"not yours"}}', 403);
    await expect(request('GET', '/alerts')).rejects.toMatchObject({
      status: 403,
      code: 'forbidden',
      message: 'not yours',
    });
  });
});

describe('getPage', () => {
  afterEach(() => jest.restoreAllMocks());

  it("HZ-02 reads the next page's cursor and the whole list's count from the answer headers", async () => {
    jest.spyOn(globalThis, 'fetch').mockResolvedValue(
      new Response('[{"id":"a1"}]', {
        status: 200,
        headers: { 'Content-Type': 'application/json', 'X-Next-Cursor': 'abc', 'X-Total-Count': '734' },
      }),
    );
    await expect(getPage('/alerts')).resolves.toEqual({
      items: [{ id: 'a1' }],
      nextCursor: 'abc',
      total: 734,
    });
  });

  it('HZ-02 a page that is not a list fails, never reads as an empty queue', async () => {
    answer('{"id":"a1"}', 200);
    await expect(getPage('/alerts')).rejects.toMatchObject({ code: 'bad-response' });
  });
});
