import { Route, Switch } from 'wouter';
import { PlaceholderScreen } from '../../components/placeholder-screen.tsx';

/** `/realms/:realm/roles` and `/realms/:realm/roles/:id` (to be built). */
export default function RolesScreen() {
  return (
    <Switch>
      <Route path="/">
        <PlaceholderScreen title="Roles" />
      </Route>
      <Route path="/:id">
        <PlaceholderScreen title="Role" />
      </Route>
    </Switch>
  );
}
