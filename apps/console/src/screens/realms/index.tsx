import { PageHeader } from '../../components/page-header.tsx';

/** `/realms`. */
export default function RealmsScreen() {
  return <PageHeader title="Realms" />;
}
