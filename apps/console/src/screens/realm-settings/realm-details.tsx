import { REALM_API_PATH, REALM_ISSUER_PATH, realmPath } from '@realmkit/contract';
import type { Realm } from '@realmkit/sdk';
import { CopyButton } from '../../components/copy-button.tsx';
import { Timestamp } from '../../components/timestamp.tsx';
import { issuerUrl } from '../../config.ts';

/** What an application needs to know of the realm: its id, issuer and Management API. */
export function RealmDetails({ realm }: { realm: Realm }) {
  const issuer = `${issuerUrl}${realmPath(REALM_ISSUER_PATH, realm.name)}`;
  const api = `${issuerUrl}${realmPath(REALM_API_PATH, realm.name)}`;
  return (
    <dl className="details-list">
      <dt>Id</dt>
      <dd>
        <code>{realm.id}</code> <CopyButton value={realm.id} label="the realm id" />
      </dd>
      <dt>Issuer</dt>
      <dd>
        <code>{issuer}</code> <CopyButton value={issuer} label="the issuer URL" />
      </dd>
      <dt>Management API</dt>
      <dd>
        <code>{api}</code> <CopyButton value={api} label="the Management API URL" />
      </dd>
      <dt>Created</dt>
      <dd>
        <Timestamp value={realm.created_at} />
      </dd>
      <dt>Updated</dt>
      <dd>
        <Timestamp value={realm.updated_at} />
      </dd>
    </dl>
  );
}
