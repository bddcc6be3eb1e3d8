import { Route, Switch } from 'wouter';
import { PlaceholderScreen } from '../../components/placeholder-screen.tsx';

/** `/realms/:realm/applications` and `/realms/:realm/applications/:id` (to be built). */
export default function ApplicationsScreen() {
  return (
    <Switch>
      <Route path="/">
        <PlaceholderScreen title="Applications" />
      </Route>
      <Route path="/:id">
        <PlaceholderScreen title="Application" />
      </Route>
    </Switch>
  );
}
