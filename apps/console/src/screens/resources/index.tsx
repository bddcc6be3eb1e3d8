import { Route, Switch } from 'wouter';
import { ResourceScreen } from './resource-screen.tsx';
import { ResourcesListScreen } from './resources-list-screen.tsx';

/** `/realms/:realm/resources` (the list, a new API resource) and `/realms/:realm/resources/:id` (one). */
export default function ResourcesScreen() {
  return (
    <Switch>
      <Route path="/" component={ResourcesListScreen} />
      <Route path="/:id">{({ id }) => <ResourceScreen key={id} id={id} />}</Route>
    </Switch>
  );
}
