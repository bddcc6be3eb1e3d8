import { zodResolver } from '@hookform/resolvers/zod';
import { MAX_ACCESS_TOKEN_TTL, MIN_ACCESS_TOKEN_TTL, UpdateResourceBody } from '@realmkit/contract';
import type { Resource } from '@realmkit/sdk';
import { useUpdateResource } from '../../api/resources.ts';
import type { Versioned } from '../../api/versioned.ts';
import { EditPanel } from '../../components/edit-panel.tsx';
import { TextField } from '../../components/form-fields.tsx';
import { useVersionedEdit } from '../../components/use-versioned-edit.ts';
import { useRealmName } from '../realm-context.tsx';
import { TTL_HINT } from './duration.ts';

function valuesOf(resource: Resource) {
  return { name: resource.name, access_token_ttl: resource.access_token_ttl };
}

/** The resource's name and token lifetime, saved only over the version shown (If-Match). */
export function ResourceSettingsForm({
  latest,
  reload,
}: {
  latest: Versioned<Resource>;
  reload: () => Promise<Versioned<Resource> | undefined>;
}) {
  const realm = useRealmName();
  const edit = useVersionedEdit({
    latest,
    reload,
    valuesOf,
    resolver: zodResolver(UpdateResourceBody),
    what: 'API resource',
    update: useUpdateResource(realm, latest.data.id),
    messages: {
      reloaded: 'Reloaded the current settings.',
      nothingToSave: 'Nothing to save: no setting was changed.',
      saved: 'Settings saved. A new lifetime applies to tokens issued from now on.',
    },
  });
  const { form } = edit;

  return (
    <EditPanel
      titleId="resource-settings-title"
      title="Settings"
      edit={edit}
      scope="resources:write"
      submitLabel="Save settings"
    >
      <div className="form-grid">
        <TextField form={form} name="name" label="Name" autoComplete="off" />
        <TextField
          form={form}
          name="access_token_ttl"
          label="Access token lifetime"
          hint={TTL_HINT}
          type="number"
          inputMode="numeric"
          min={MIN_ACCESS_TOKEN_TTL}
          max={MAX_ACCESS_TOKEN_TTL}
          valueAsNumber
        />
      </div>
    </EditPanel>
  );
}
