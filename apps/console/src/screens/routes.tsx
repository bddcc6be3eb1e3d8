import { CONSOLE_REALM_PATH, realmPath } from '@realmkit/contract';
import { type ReactNode, Suspense } from 'react';
import { Link, Redirect, Route, Switch } from 'wouter';
import { useAuth } from '../auth/auth-provider.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { NeedsScope } from '../components/scope-hint.tsx';
import { fromConsoleRoot } from '../config.ts';
import { RealmsScreen, realmSections } from './index.tsx';
import { RealmContext } from './realm-context.tsx';
import type { RealmSection } from './section.ts';

/** The console's routes, from the table in `screens/index.tsx` (paths relative to `/console/<realm>`). */
export function ConsoleRoutes() {
  return (
    <Suspense
      fallback={
        <p role="status" className="loading">
          Loading…
        </p>
      }
    >
      <Switch>
        <Route path="/">
          <HomeRedirect />
        </Route>
        <Route path="/realms">
          <MasterOnly what="the realms">
            <RealmsScreen />
          </MasterOnly>
        </Route>
        <Route path="/realms/:realm" nest>
          {/* A new tree per realm: no list state (search, cursors) carries over to another realm. */}
          {({ realm }) => <RealmRoutes key={realm} realm={realm} />}
        </Route>
        <Route>
          <NotFound />
        </Route>
      </Switch>
    </Suspense>
  );
}

/** `/`: the realms for a master-realm admin, else the users of the admin's realm. */
function HomeRedirect() {
  const { isMaster, realm, can } = useAuth();
  if (isMaster && can('realms:read')) return <Redirect to="/realms" replace />;
  return <Redirect to={`/realms/${encodeURIComponent(realm)}/users`} replace />;
}

function RealmRoutes({ realm }: { realm: string }) {
  const { isMaster, realm: signedInTo } = useAuth();
  // A realm's own admins manage that realm only; their token is refused anywhere else.
  if (!isMaster && realm !== signedInTo) {
    return (
      <>
        <PageHeader title="Another realm" />
        <p className="notice">
          You are signed in to the realm <strong>{signedInTo}</strong>, which manages itself only. To manage{' '}
          <strong>{realm}</strong>, sign in at{' '}
          <a href={`${realmPath(CONSOLE_REALM_PATH, encodeURIComponent(realm))}/`}>its own console</a> or at the master
          realm's.
        </p>
      </>
    );
  }
  return (
    <RealmContext value={realm}>
      <Switch>
        {realmSections.map((section) => (
          <Route key={section.path} path={section.path || '/'} nest={section.path !== ''}>
            <SectionGuard section={section} />
          </Route>
        ))}
        <Route>
          <NotFound />
        </Route>
      </Switch>
    </RealmContext>
  );
}

/** A section the admin's token cannot read says what it needs rather than failing on every request. */
function SectionGuard({ section }: { section: RealmSection }) {
  const { can, isMaster } = useAuth();
  if (section.masterOnly && !isMaster) return <NotFound />;
  if (!can(section.scope)) {
    return (
      <>
        <PageHeader title={section.label} />
        <NeedsScope scope={section.scope} what={section.label.toLowerCase()} />
      </>
    );
  }
  const Screen = section.screen;
  return <Screen />;
}

function MasterOnly({ children, what }: { children: ReactNode; what: string }) {
  const { isMaster, can } = useAuth();
  if (!isMaster) return <NotFound />;
  if (!can('realms:read')) {
    return (
      <>
        <PageHeader title="Realms" />
        <NeedsScope scope="realms:read" what={what} />
      </>
    );
  }
  return <>{children}</>;
}

function NotFound() {
  return (
    <>
      <PageHeader title="Not found" />
      <p className="notice">
        There is nothing at this address in the console. <Link href={fromConsoleRoot('/')}>Go to the start page</Link>.
      </p>
    </>
  );
}
