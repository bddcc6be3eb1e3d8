import { Route, Switch } from 'wouter';
import { UserScreen } from './user-screen.tsx';
import { UsersListScreen } from './users-list-screen.tsx';

/** `/realms/:realm/users` (the list, a new user) and `/realms/:realm/users/:id` (one user). */
export default function UsersScreen() {
  return (
    <Switch>
      <Route path="/" component={UsersListScreen} />
      <Route path="/:id">{({ id }) => <UserScreen key={id} id={id} />}</Route>
    </Switch>
  );
}
