import type { UserRole } from '@vigil/contracts';
import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { AlertPage } from './alerts/AlertPage';
import { useMe } from './api/queries';
import { SignInPage } from './auth/SignInPage';
import { useSignedOut } from './auth/useAuth';
import { CccQueuePage } from './ccc/CccQueuePage';
import { ApiErrorMessage } from './common/ApiErrorMessage';
import { AppLayout } from './layout/AppLayout';
import { homeFor } from './layout/nav';
import { LiveProvider } from './live/LiveProvider';
import { StatusPage } from './status/StatusPage';
import { TriagePage } from './triage/TriagePage';
import { useDocumentTitle } from './layout/useDocumentTitle';

// Admin screens and the patient view (with uPlot) load on first use, keeping the triage queue's first load small.
const CareHomesAdminPage = lazy(() =>
  import('./admin/CareHomesAdminPage').then((m) => ({ default: m.CareHomesAdminPage })),
);
const CareHomePage = lazy(() =>
  import('./care-home/CareHomePage').then((m) => ({ default: m.CareHomePage })),
);
const DeadLettersPage = lazy(() =>
  import('./admin/DeadLettersPage').then((m) => ({ default: m.DeadLettersPage })),
);
const DevicesAdminPage = lazy(() =>
  import('./admin/DevicesAdminPage').then((m) => ({ default: m.DevicesAdminPage })),
);
const PatientsAdminPage = lazy(() =>
  import('./admin/PatientsAdminPage').then((m) => ({ default: m.PatientsAdminPage })),
);
const UsersAdminPage = lazy(() =>
  import('./admin/UsersAdminPage').then((m) => ({ default: m.UsersAdminPage })),
);
const WardsPage = lazy(() => import('./admin/WardsPage').then((m) => ({ default: m.WardsPage })));
const WardSchedulePage = lazy(() =>
  import('./pathways/WardSchedulePage').then((m) => ({ default: m.WardSchedulePage })),
);
const DischargePage = lazy(() =>
  import('./pathways/DischargePage').then((m) => ({ default: m.DischargePage })),
);
const MissedCheckInsPage = lazy(() =>
  import('./smi/MissedCheckInsPage').then((m) => ({ default: m.MissedCheckInsPage })),
);
const PatientPage = lazy(() => import('./patient/PatientPage').then((m) => ({ default: m.PatientPage })));

function Forbidden() {
  return (
    <>
      <h1>You do not have access to this page</h1>
      <p className="nhsuk-body">Your role cannot see this page. Use the menu to go somewhere you can.</p>
    </>
  );
}

function NotFound() {
  return (
    <>
      <h1>Page not found</h1>
      <p className="nhsuk-body">Check the address, or use the menu.</p>
    </>
  );
}

export function App() {
  const me = useMe();
  const signedOut = useSignedOut();
  const location = useLocation();
  useDocumentTitle(location.pathname);
  const user = me.data ?? null;

  const only = (roles: UserRole[], page: ReactNode) => {
    if (!user) return <Navigate to="/sign-in" replace />;
    return roles.includes(user.role) ? page : <Forbidden />;
  };

  let body: ReactNode;
  if (me.isPending) body = <p className="nhsuk-body">Loading…</p>;
  else if (me.isError) body = <ApiErrorMessage error={me.error} />;
  else
    body = (
      <Suspense fallback={<p className="nhsuk-body">Loading…</p>}>
        <Routes>
          <Route
            path="/sign-in"
            element={user ? <Navigate to={homeFor(user.role)} replace /> : <SignInPage />}
          />
          <Route
            path="/"
            element={
              user?.role === 'coordinator' || user?.role === 'care-home' ? (
                <Navigate to={homeFor(user.role)} replace />
              ) : (
                only(['nurse', 'clinician', 'admin'], <TriagePage />)
              )
            }
          />
          <Route
            path="/alerts/:alertId"
            element={only(['nurse', 'clinician', 'coordinator', 'admin'], <AlertPage />)}
          />
          <Route
            path="/patients/:patientId"
            element={only(['nurse', 'clinician', 'coordinator', 'admin'], <PatientPage />)}
          />
          <Route path="/schedule" element={only(['nurse', 'clinician', 'admin'], <WardSchedulePage />)} />
          <Route
            path="/patients/:patientId/discharge"
            element={only(['clinician', 'admin'], <DischargePage />)}
          />
          <Route path="/ccc" element={only(['coordinator', 'admin'], <CccQueuePage />)} />
          <Route
            path="/status"
            element={only(['nurse', 'clinician', 'coordinator', 'admin'], <StatusPage />)}
          />
          <Route path="/care-home" element={only(['care-home'], <CareHomePage />)} />
          <Route path="/smi" element={only(['nurse', 'clinician', 'admin'], <MissedCheckInsPage />)} />
          <Route path="/admin/wards" element={only(['admin'], <WardsPage />)} />
          <Route path="/admin/care-homes" element={only(['admin'], <CareHomesAdminPage />)} />
          <Route path="/admin/patients" element={only(['clinician', 'admin'], <PatientsAdminPage />)} />
          <Route path="/admin/devices" element={only(['admin'], <DevicesAdminPage />)} />
          <Route path="/admin/users" element={only(['admin'], <UsersAdminPage />)} />
          <Route path="/admin/dead-letters" element={only(['admin'], <DeadLettersPage />)} />
          <Route path="*" element={user ? <NotFound /> : <Navigate to="/sign-in" replace />} />
        </Routes>
      </Suspense>
    );

  return (
    <LiveProvider enabled={user !== null} onSessionEnded={signedOut}>
      <AppLayout user={user}>{body}</AppLayout>
    </LiveProvider>
  );
}
