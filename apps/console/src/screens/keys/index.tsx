import { contract, realmPath } from '@realmkit/contract';
import type { SigningKey } from '@realmkit/sdk';
import { useSigningKeys } from '../../api/keys.ts';
import { useRealm } from '../../api/realms.ts';
import { CopyButton } from '../../components/copy-button.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ListError } from '../../components/query-state.tsx';
import { Timestamp } from '../../components/timestamp.tsx';
import { issuerUrl } from '../../config.ts';
import { useRealmName } from '../realm-context.tsx';
import { RotateKeys } from './rotate-keys.tsx';

/**
 * `/realms/:realm/keys` (master-realm admins): the keys in the realm's JWKS, the active one and
 * those retiring, and rotating to a new one.
 */
export default function KeysScreen() {
  const realm = useRealmName();
  const keys = useSigningKeys(realm);
  // The realm's algorithm (a rotation's default) and its ETag (a rotation changes the realm).
  const realmQuery = useRealm(realm);
  const jwksUrl = `${issuerUrl}${realmPath(contract.oauth.jwks.path, realm)}`;

  return (
    <>
      <PageHeader title="Signing keys" context={realm} />
      <p className="notice">
        The realm signs its tokens with its active key. Applications and APIs verify them with the keys the realm
        publishes at its JWKS: a retiring key stays there until the last token it signed has expired.
      </p>
      <dl className="details-list">
        <dt>JWKS</dt>
        <dd>
          <code>{jwksUrl}</code> <CopyButton value={jwksUrl} label="the JWKS URL" />
        </dd>
        <dt>Signing algorithm</dt>
        <dd>{realmQuery.data?.data.signing_algorithm ?? '…'}</dd>
      </dl>
      <ListError error={keys.error} what="the signing keys" />
      <DataTable<SigningKey>
        caption="Keys in the JWKS, newest first (a retiring key leaves it at its retirement time)"
        rows={keys.data}
        rowKey={(key) => key.kid}
        isLoading={keys.isPending}
        isFetching={keys.isFetching}
        columns={[
          { header: 'Key id (kid)', isRowHeader: true, className: 'cell-wrap', cell: (key) => <code>{key.kid}</code> },
          { header: 'Algorithm', cell: (key) => key.alg },
          {
            header: 'Status',
            cell: (key) =>
              key.status === 'active' ? (
                <span className="badge badge-success">Active: signs new tokens</span>
              ) : (
                <span className="badge badge-warning">Retiring: verifies only</span>
              ),
          },
          { header: 'Created', className: 'cell-nowrap', cell: (key) => <Timestamp value={key.created_at} /> },
          {
            header: 'Retires at',
            className: 'cell-nowrap',
            cell: (key) => <Timestamp value={key.retires_at} empty="—" />,
          },
        ]}
        empty={<p>The realm publishes no keys: rotate to make one.</p>}
      />
      <RotateKeys realmQuery={realmQuery} />
    </>
  );
}
