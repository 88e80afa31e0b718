import { pageTitle } from './page-titles';
import { homeFor, navFor } from './nav';

describe('pageTitle', () => {
  it('gives each screen its own title', () => {
    expect(pageTitle('/')).toBe('Triage queue – Vigil virtual ward');
    expect(pageTitle('/patients/abc')).toBe('Patient – Vigil virtual ward');
    expect(pageTitle('/admin/dead-letters')).toBe('Admin: dead letters – Vigil virtual ward');
  });
});

describe('navFor', () => {
  it('sends coordinators to the CCC queue and keeps admin pages to admins', () => {
    expect(homeFor('coordinator')).toBe('/ccc');
    expect(homeFor('nurse')).toBe('/');
    expect(navFor('nurse').map((n) => n.to)).not.toContain('/admin/users');
    expect(navFor('admin').map((n) => n.to)).toContain('/admin/dead-letters');
    // GET /api/devices is admin-only.
    expect(navFor('clinician').map((n) => n.to)).not.toContain('/admin/devices');
  });
});
