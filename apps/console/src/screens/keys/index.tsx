import { PlaceholderScreen } from '../../components/placeholder-screen.tsx';

/** `/realms/:realm/keys` (to be built). */
export default function KeysScreen() {
  return <PlaceholderScreen title="Signing keys" />;
}
