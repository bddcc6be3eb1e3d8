import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { Link, useLocation, useRoute } from 'wouter';
import { useRealms } from '../api/realms.ts';
import { useAuth } from '../auth/auth-provider.tsx';
import type { RealmSection } from '../screens/section.ts';

/** The realm in the current path (`/realms/:realm/…`), if any. */
function useCurrentRealm(): string | undefined {
  const [, exact] = useRoute<{ realm: string }>('/realms/:realm');
  const [, deeper] = useRoute<{ realm: string }>('/realms/:realm/*');
  return exact?.realm ?? deeper?.realm;
}

/**
 * The console's frame: a skip link, the header (the realm switcher for master-realm admins, who
 * is signed in, Sign out), the nav of the realm's sections (a menu button on narrow screens) and
 * the main landmark.
 */
export function Layout({ sections, children }: { sections: readonly RealmSection[]; children: ReactNode }) {
  const auth = useAuth();
  const [location] = useLocation();
  const currentRealm = useCurrentRealm() ?? (auth.isMaster ? undefined : auth.realm);
  const [menuOpen, setMenuOpen] = useState(false);
  const navId = useId();

  // After a navigation (not the first page), the focus goes to the new screen's content, so that
  // keyboard and screen reader users start there (a link followed from the menu also closes it).
  const firstLocation = useRef(location);
  useEffect(() => {
    setMenuOpen(false);
    if (location === firstLocation.current) return;
    firstLocation.current = '';
    document.getElementById('main')?.focus();
  }, [location]);

  const visibleSections = sections.filter(
    (section) => (!section.masterOnly || auth.isMaster) && auth.can(section.scope),
  );

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="app-header">
        <div className="app-header-start">
          <button
            type="button"
            className="button button-secondary menu-button"
            aria-expanded={menuOpen}
            aria-controls={navId}
            onClick={() => setMenuOpen((open) => !open)}
          >
            Menu
          </button>
          <Link href="/" className="brand">
            Realmkit console
          </Link>
          {auth.isMaster && auth.can('realms:read') && <RealmSwitcher current={currentRealm} sections={sections} />}
        </div>
        <div className="app-header-end">
          <span className="signed-in-as">
            <span className="visually-hidden">Signed in as </span>
            {auth.displayName}
            <span className="signed-in-realm"> ({auth.realm})</span>
          </span>
          <button type="button" className="button button-secondary" onClick={() => void auth.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <div className="app-body">
        <nav id={navId} className={`app-nav${menuOpen ? ' is-open' : ''}`} aria-label="Console">
          {auth.isMaster && auth.can('realms:read') && (
            <ul>
              <li>
                <NavLink href="/realms" exact>
                  All realms
                </NavLink>
              </li>
            </ul>
          )}
          {currentRealm && (
            <>
              <h2 className="nav-heading">
                <span className="visually-hidden">Realm </span>
                {currentRealm}
              </h2>
              <ul>
                {visibleSections.map((section) => (
                  <li key={section.path}>
                    <NavLink
                      href={`/realms/${encodeURIComponent(currentRealm)}${section.path}`}
                      exact={section.path === ''}
                    >
                      {section.label}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </>
          )}
        </nav>
        <main id="main" className="app-main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}

/** A nav link marked `aria-current="page"` on its page (and, unless `exact`, below it). */
function NavLink({ href, exact = false, children }: { href: string; exact?: boolean; children: ReactNode }) {
  const [location] = useLocation();
  const current = location === href || (!exact && location.startsWith(`${href}/`));
  return (
    <Link href={href} className="nav-link" aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}

/**
 * Which realm the master-realm admin manages: a select and a button (changing the select alone
 * does not navigate, so the keyboard can go through the options). Keeps the section.
 */
function RealmSwitcher({ current, sections }: { current: string | undefined; sections: readonly RealmSection[] }) {
  const [location, navigate] = useLocation();
  const realms = useRealms({ per_page: 100 });
  const selectId = useId();
  const [choice, setChoice] = useState(current ?? '');

  useEffect(() => setChoice(current ?? ''), [current]);

  const names = realms.data?.data.map((realm) => realm.name) ?? [];
  if (current && !names.includes(current)) names.unshift(current);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!choice) return;
    // The same section in the chosen realm (not the same item: ids belong to one realm).
    // From outside a realm (the realms list), the chosen realm's own page: its settings.
    const rest = current ? location.slice(`/realms/${encodeURIComponent(current)}`.length) : '';
    const section = sections.find((candidate) => candidate.path !== '' && rest.startsWith(candidate.path));
    navigate(`/realms/${encodeURIComponent(choice)}${section?.path ?? ''}`);
  };

  return (
    <form className="realm-switcher" onSubmit={onSubmit}>
      <label htmlFor={selectId}>Realm</label>
      <select id={selectId} value={choice} onChange={(event) => setChoice(event.target.value)}>
        {!current && <option value="">Choose a realm</option>}
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      <button type="submit" className="button button-secondary">
        Switch
      </button>
    </form>
  );
}
