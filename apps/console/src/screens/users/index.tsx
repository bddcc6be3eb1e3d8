import { PlaceholderScreen } from '../../components/placeholder-screen.tsx';

/** `/realms/:realm/users`. */
export default function UsersScreen() {
  return <PlaceholderScreen title="Users" />;
}
