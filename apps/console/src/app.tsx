import { QueryClientProvider } from '@tanstack/react-query';
import { Route, Router, Switch } from 'wouter';
import { queryClient } from './api/query-client.ts';
import { AuthProvider } from './auth/auth-provider.tsx';
import { CallbackScreen } from './auth/callback-screen.tsx';
import { Layout } from './components/layout.tsx';
import { consoleBase } from './config.ts';
import { realmSections } from './screens/index.tsx';
import { ConsoleRoutes } from './screens/routes.tsx';

/** The console: `/callback` completes a sign-in; every other path needs a signed-in admin. */
export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <Router base={consoleBase}>
        <Switch>
          <Route path="/callback">
            <CallbackScreen />
          </Route>
          <Route>
            <AuthProvider>
              <Layout sections={realmSections}>
                <ConsoleRoutes />
              </Layout>
            </AuthProvider>
          </Route>
        </Switch>
      </Router>
    </QueryClientProvider>
  );
}
