import { PlaceholderScreen } from '../../components/placeholder-screen.tsx';

/** `/realms/:realm`. */
export default function RealmSettingsScreen() {
  return <PlaceholderScreen title="Settings" />;
}
