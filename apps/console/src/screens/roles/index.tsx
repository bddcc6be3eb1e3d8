import { Route, Switch } from 'wouter';
import { RoleScreen } from './role-screen.tsx';
import { RolesListScreen } from './roles-list-screen.tsx';

/** `/realms/:realm/roles` (the list, a new role) and `/realms/:realm/roles/:id` (one role). */
export default function RolesScreen() {
  return (
    <Switch>
      <Route path="/" component={RolesListScreen} />
      <Route path="/:id">{({ id }) => <RoleScreen key={id} id={id} />}</Route>
    </Switch>
  );
}
