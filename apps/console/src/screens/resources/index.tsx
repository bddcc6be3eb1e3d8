import { Route, Switch } from 'wouter';
import { PlaceholderScreen } from '../../components/placeholder-screen.tsx';

/** `/realms/:realm/resources` and `/realms/:realm/resources/:id` (to be built). */
export default function ResourcesScreen() {
  return (
    <Switch>
      <Route path="/">
        <PlaceholderScreen title="API resources" />
      </Route>
      <Route path="/:id">
        <PlaceholderScreen title="API resource" />
      </Route>
    </Switch>
  );
}
