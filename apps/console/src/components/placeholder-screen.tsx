import { useRealmName } from '../screens/realm-context.tsx';
import { PageHeader } from './page-header.tsx';

/** A screen whose folder exists but whose content comes later. */
export function PlaceholderScreen({ title }: { title: string }) {
  const realm = useRealmName();
  return (
    <>
      <PageHeader title={title} context={realm} />
      <p className="notice">
        This part of the console is not built yet. The Management API and the SDK already offer it.
      </p>
    </>
  );
}
