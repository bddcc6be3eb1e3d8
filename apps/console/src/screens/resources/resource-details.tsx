import type { Resource } from '@realmkit/sdk';
import { CopyButton } from '../../components/copy-button.tsx';
import { Timestamp } from '../../components/timestamp.tsx';
import { describeSeconds } from './duration.ts';

/** What an API needs to know of its resource: the indicator its tokens carry as `aud`. */
export function ResourceDetails({ resource }: { resource: Resource }) {
  return (
    <dl className="details-list">
      <dt>Id</dt>
      <dd>
        <code>{resource.id}</code> <CopyButton value={resource.id} label="the API resource id" />
      </dd>
      <dt>Indicator</dt>
      <dd>
        <code>{resource.indicator}</code> <CopyButton value={resource.indicator} label="the indicator" />
        <p className="field-hint">The audience (aud) of its access tokens; it cannot be changed.</p>
      </dd>
      <dt>Access token lifetime</dt>
      <dd>
        {describeSeconds(resource.access_token_ttl)} ({resource.access_token_ttl} s)
      </dd>
      <dt>Created</dt>
      <dd>
        <Timestamp value={resource.created_at} />
      </dd>
      <dt>Updated</dt>
      <dd>
        <Timestamp value={resource.updated_at} />
      </dd>
    </dl>
  );
}
