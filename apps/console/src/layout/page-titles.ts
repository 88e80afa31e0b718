/** WCAG 2.4.2: every screen has its own title. */
export function pageTitle(pathname: string): string {
  const section =
    pathname === '/'
      ? 'Triage queue'
      : pathname === '/sign-in'
        ? 'Sign in'
        : pathname === '/ccc'
          ? 'CCC queue'
          : pathname === '/status'
            ? 'Status'
            : pathname === '/schedule'
              ? 'Readings due'
              : pathname === '/care-home'
                ? 'Care-home falls'
                : pathname === '/smi'
                  ? 'Missed check-ins'
                  : pathname.endsWith('/discharge')
                    ? 'Discharge'
                    : pathname.startsWith('/alerts/')
                      ? 'Alert'
                      : pathname.startsWith('/patients/')
                        ? 'Patient'
                        : pathname.startsWith('/admin/')
                          ? `Admin: ${pathname.slice('/admin/'.length).replace('-', ' ')}`
                          : 'Page not found';
  return `${section} – Vigil virtual ward`;
}
