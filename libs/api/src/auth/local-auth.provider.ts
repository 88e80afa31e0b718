import type { UsersRepository } from '@vigil/storage';
import type { AuthenticatedUser, AuthProvider } from './auth-provider';

/** Local accounts with argon2id password hashes (`UsersRepository`). */
export class LocalAuthProvider implements AuthProvider {
  constructor(private readonly users: UsersRepository) {}

  async authenticate(credentials: { username: string; password: string }): Promise<AuthenticatedUser | null> {
    const user = await this.users.verifyPassword(credentials.username, credentials.password);
    if (!user) return null;
    return {
      userId: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      wardIds: user.wardIds,
    };
  }
}
