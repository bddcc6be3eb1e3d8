import { PlaceholderScreen } from '../../components/placeholder-screen.tsx';

/** `/realms/:realm/audit-log` (to be built). */
export default function AuditLogScreen() {
  return <PlaceholderScreen title="Audit log" />;
}
