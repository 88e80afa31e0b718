import type { Principal } from './principal';

/** The account a provider vouches for; a session is then issued by Vigil itself. */
export type AuthenticatedUser = Omit<Principal, 'sessionId'>;

/**
 * Who checks credentials. Local accounts (argon2) today; an OIDC provider (NHS CIS2) can replace it
 * without touching sessions, guards or routes.
 */
export interface AuthProvider {
  /** The user for these credentials, or null (wrong password, unknown or disabled account). */
  authenticate(credentials: { username: string; password: string }): Promise<AuthenticatedUser | null>;
}

export const AUTH_PROVIDER = Symbol('AUTH_PROVIDER');
