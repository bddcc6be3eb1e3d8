import type { Resource } from '@realmkit/sdk';
import { useLocation } from 'wouter';
import { useDeleteResource } from '../../api/resources.ts';
import { DeletePanel } from '../../components/delete-panel.tsx';
import { useRealmName } from '../realm-context.tsx';
import { listPath } from './paths.ts';

/** Deleting the API resource as last seen (If-Match), after a confirmation. */
export function DeleteResource({
  resource,
  etag,
  reload,
}: {
  resource: Resource;
  etag: string | undefined;
  reload: () => void;
}) {
  const realm = useRealmName();
  const [, navigate] = useLocation();

  return (
    <DeletePanel
      titleId="delete-resource-title"
      title="Delete this API resource"
      explanation={
        <p>
          Its scopes are deleted with it and leave every role. No new token can be issued for it; tokens already issued
          stay valid until they expire.
        </p>
      }
      scope="resources:write"
      actionLabel="Delete API resource"
      confirmTitle={`Delete the API resource ${resource.name}?`}
      confirmText={
        <p>
          <strong>{resource.name}</strong> (<code>{resource.indicator}</code>) and its scopes are deleted. This cannot
          be undone.
        </p>
      }
      remove={useDeleteResource(realm, resource.id)}
      etag={etag}
      changedMeanwhile={{ what: 'API resource', reload }}
      onDeleted={() => navigate(listPath(realm))}
    />
  );
}
