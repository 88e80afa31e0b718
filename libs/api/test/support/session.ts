import request from 'supertest';
import { PASSWORD } from './api-harness';

/** Signs in and returns the `Cookie` header value to send with later requests. */
export async function login(url: string, username: string, password = PASSWORD): Promise<string> {
  const res = await request(url).post('/api/auth/login').send({ username, password });
  if (res.status !== 200)
    throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  const setCookie = res.headers['set-cookie'] as unknown as string[];
  const cookie = setCookie.find((c) => c.startsWith('vigil_session='));
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0];
}
