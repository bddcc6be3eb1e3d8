import { Route, Switch } from 'wouter';
import { ApplicationScreen } from './application-screen.tsx';
import { ApplicationsListScreen } from './applications-list-screen.tsx';

/** `/realms/:realm/applications` (the list, a new application) and `/realms/:realm/applications/:id` (one). */
export default function ApplicationsScreen() {
  return (
    <Switch>
      <Route path="/" component={ApplicationsListScreen} />
      <Route path="/:id">{({ id }) => <ApplicationScreen key={id} id={id} />}</Route>
    </Switch>
  );
}
