import type { User, UserRole } from '@vigil/contracts';
import { USER_ROLES } from '@vigil/contracts';
import type { Request } from 'express';

/** Who is calling: the signed-in user as the session resolved them for this request. */
export interface Principal {
  userId: string;
  username: string;
  displayName: string;
  role: UserRole;
  wardIds: string[];
  sessionId: string;
}

export type AuthedRequest = Request & { principal?: Principal };

export const ALL_ROLES: readonly UserRole[] = USER_ROLES;

export function toUser(p: Principal): User {
  return { id: p.userId, username: p.username, displayName: p.displayName, role: p.role, wardIds: p.wardIds };
}

/**
 * Ward scope for patient data. Nurses and clinicians: their own wards. Admins: all. Coordinators see
 * patients only through escalated alerts (checked separately), never a whole ward. Care-home staff: no ward,
 * only their own homes' residents' falls (issue 14, `care-homes`).
 */
export function hasWard(p: Principal, wardId: string): boolean {
  if (p.role === 'admin') return true;
  if (p.role === 'coordinator' || p.role === 'care-home') return false;
  return p.wardIds.includes(wardId);
}
