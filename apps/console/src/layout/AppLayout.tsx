import type { User } from '@vigil/contracts';
import type { ReactNode } from 'react';
import { LiveBanner } from '../status/LiveBanner';
import { Header } from './Header';

export function AppLayout({ user, children }: { user: User | null; children: ReactNode }) {
  return (
    <>
      <a className="nhsuk-skip-link" href="#maincontent">
        Skip to main content
      </a>
      <Header user={user} />
      <div className="vigil-wide">
        {user && <LiveBanner />}
        <main className="nhsuk-main-wrapper" id="maincontent" role="main" tabIndex={-1}>
          {children}
        </main>
      </div>
      <footer role="contentinfo" className="nhsuk-footer">
        <div className="vigil-wide">
          <p className="nhsuk-body-s">
            Vigil – open-source virtual ward monitoring. Not a substitute for clinical judgement.
          </p>
        </div>
      </footer>
    </>
  );
}
