import type { User } from '@vigil/contracts';
import { Link, NavLink } from 'react-router-dom';
import { useSignOut } from '../auth/useAuth';
import { useLive } from '../live/LiveContext';
import { useMissedCheckIns } from '../smi/smi-api';
import { missedBadgeText } from '../smi/smi-text';
import { navFor, SMI_ROLES } from './nav';
import { NhsLogo } from './NhsLogo';

/** Issue 14: how many missed SMI check-ins wait, beside the menu item; kept live by the socket's `smi` events. */
function MissedBadge({ enabled }: { enabled: boolean }) {
  const { connected } = useLive();
  const missed = useMissedCheckIns(enabled, !connected);
  const count = missed.data?.length ?? 0;
  if (!enabled || count === 0) return null;
  return (
    <span className="vigil-nav-badge" data-testid="missed-badge">
      <span aria-hidden="true">{count}</span>
      <span className="nhsuk-u-visually-hidden">: {missedBadgeText(count)}</span>
    </span>
  );
}

export function Header({ user }: { user: User | null }) {
  const signOut = useSignOut();
  const seesSmi = user !== null && SMI_ROLES.includes(user.role);
  return (
    <header className="nhsuk-header" role="banner">
      <div className="nhsuk-header__container vigil-wide">
        <div className="nhsuk-header__service">
          <Link className="nhsuk-header__service-logo" to="/" aria-label="Vigil virtual ward homepage">
            <NhsLogo />
            <span className="nhsuk-header__service-name">Vigil virtual ward</span>
          </Link>
        </div>
        {user && (
          <nav className="nhsuk-header__account" aria-label="Account">
            <ul className="nhsuk-header__account-list">
              <li className="nhsuk-header__account-item">
                {user.displayName} ({user.role})
              </li>
              <li className="nhsuk-header__account-item">
                <button
                  className="nhsuk-header__account-button"
                  type="button"
                  onClick={() => signOut.mutate()}
                >
                  Sign out
                </button>
              </li>
            </ul>
          </nav>
        )}
      </div>
      {user && (
        <nav className="nhsuk-header__navigation" aria-label="Menu">
          <div className="nhsuk-header__navigation-container vigil-wide">
            <ul className="nhsuk-header__navigation-list">
              {navFor(user.role).map((item) => (
                <li className="nhsuk-header__navigation-item" key={item.to}>
                  <NavLink className="nhsuk-header__navigation-link" to={item.to} end>
                    {item.label}
                    {item.to === '/smi' && <MissedBadge enabled={seesSmi} />}
                  </NavLink>
                </li>
              ))}
            </ul>
          </div>
        </nav>
      )}
    </header>
  );
}
