import type { UserRole } from '@vigil/contracts';

export interface NavItem {
  to: string;
  label: string;
}

/** What each role can reach; the api enforces the same on every request. */
export function navFor(role: UserRole): NavItem[] {
  switch (role) {
    case 'nurse':
      return [
        { to: '/', label: 'Triage queue' },
        { to: '/schedule', label: 'Readings due' },
        { to: '/smi', label: 'Missed check-ins' },
        { to: '/status', label: 'Status' },
      ];
    case 'clinician':
      return [
        { to: '/', label: 'Triage queue' },
        { to: '/schedule', label: 'Readings due' },
        { to: '/smi', label: 'Missed check-ins' },
        { to: '/admin/patients', label: 'Patients' },
        { to: '/status', label: 'Status' },
      ];
    case 'coordinator':
      return [
        { to: '/ccc', label: 'CCC queue' },
        { to: '/status', label: 'Status' },
      ];
    case 'admin':
      return [
        { to: '/', label: 'Triage queue' },
        { to: '/ccc', label: 'CCC queue' },
        { to: '/schedule', label: 'Readings due' },
        { to: '/smi', label: 'Missed check-ins' },
        { to: '/admin/wards', label: 'Wards' },
        { to: '/admin/care-homes', label: 'Care homes' },
        { to: '/admin/patients', label: 'Patients' },
        { to: '/admin/devices', label: 'Devices' },
        { to: '/admin/users', label: 'Users' },
        { to: '/admin/dead-letters', label: 'Dead letters' },
        { to: '/status', label: 'Status' },
      ];
    case 'care-home':
      return [{ to: '/care-home', label: 'Falls' }];
  }
}

/** Roles that see missed SMI check-ins (the named care coordinator, the patient's ward, admins). */
export const SMI_ROLES: readonly UserRole[] = ['nurse', 'clinician', 'admin'];

/** Where a role lands after sign-in. */
export function homeFor(role: UserRole): string {
  if (role === 'care-home') return '/care-home';
  return role === 'coordinator' ? '/ccc' : '/';
}
