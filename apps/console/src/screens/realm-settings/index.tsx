import { useRealm } from '../../api/realms.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { useRealmName } from '../realm-context.tsx';
import { DeleteRealm } from './delete-realm.tsx';
import { RealmDetails } from './realm-details.tsx';
import { RealmSettingsForm } from './realm-settings-form.tsx';

/** `/realms/:realm`: a realm's settings (master-realm admins). */
export default function RealmSettingsScreen() {
  const realm = useRealmName();
  const query = useRealm(realm);
  return (
    <>
      <PageHeader title={`Realm ${realm}`} />
      <QueryState query={query} what="the realm">
        {(loaded) => (
          <>
            <RealmDetails realm={loaded.data} />
            <RealmSettingsForm
              // A new form for each realm: its values and ETag are that realm's.
              key={loaded.data.id}
              loaded={loaded}
              reload={async () => (await query.refetch()).data}
            />
            <DeleteRealm realm={loaded.data} etag={loaded.etag} />
          </>
        )}
      </QueryState>
    </>
  );
}
