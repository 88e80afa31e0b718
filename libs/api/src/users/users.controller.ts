import { Body, Controller, Get, Param, Post, Put } from '@nestjs/common';
import {
  type CreateUserRequest,
  createUserRequestSchema,
  type UpdateUserRequest,
  updateUserRequestSchema,
  type UserAccount,
} from '@vigil/contracts';
import { PatientsRepository, type UserRecord, UsersRepository } from '@vigil/storage';
import { Roles } from '../auth/auth.decorators';
import { SessionsService } from '../auth/sessions.service';
import { ApiError } from '../common/api-error';
import { UuidPipe, ZodPipe } from '../common/zod.pipe';
import { SocketHub } from '../gateway/socket-hub.service';
import { passwordProblem } from './password-policy';

export function toAccount(u: UserRecord): UserAccount {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    wardIds: u.wardIds,
    disabled: u.disabled,
    createdAt: u.createdAt.toISOString(),
  };
}

@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersRepository,
    private readonly patients: PatientsRepository,
    private readonly sessions: SessionsService,
    private readonly sockets: SocketHub,
  ) {}

  @Get()
  @Roles('admin')
  async list(): Promise<UserAccount[]> {
    return (await this.users.list()).map(toAccount);
  }

  @Post()
  @Roles('admin')
  async create(@Body(new ZodPipe(createUserRequestSchema)) body: CreateUserRequest): Promise<UserAccount> {
    const problem = passwordProblem(body.password, body.username);
    if (problem) throw ApiError.invalid(problem, [{ path: 'password', message: problem }]);
    await this.requireWards(body.wardIds);
    return toAccount(await this.users.create(body));
  }

  /**
   * A change of role, wards or enabled state ends every session of that user and closes their sockets:
   * the permissions a socket joined its rooms with no longer hold.
   */
  @Put(':id')
  @Roles('admin')
  async update(
    @Param('id', new UuidPipe('user')) id: string,
    @Body(new ZodPipe(updateUserRequestSchema)) body: UpdateUserRequest,
  ): Promise<UserAccount> {
    const before = await this.users.findById(id);
    if (!before) throw ApiError.notFound('user');
    if (body.wardIds) await this.requireWards(body.wardIds);
    const after = await this.users.update(id, body);
    const sameWards =
      before.wardIds.length === after.wardIds.length &&
      before.wardIds.every((w) => after.wardIds.includes(w));
    if (before.role !== after.role || !sameWards || (after.disabled && !before.disabled)) {
      await this.sessions.endAllFor(id);
      this.sockets.endUser(id, 'your access changed; sign in again');
    }
    return toAccount(after);
  }

  private async requireWards(wardIds: readonly string[]): Promise<void> {
    const known = new Set((await this.patients.listWards()).map((w) => w.id));
    const unknown = wardIds.filter((w) => !known.has(w));
    if (unknown.length > 0) {
      throw ApiError.invalid('unknown ward', [{ path: 'wardIds', message: `no ward ${unknown.join(', ')}` }]);
    }
  }
}
