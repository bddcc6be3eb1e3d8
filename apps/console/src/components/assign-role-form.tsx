import { MAX_PER_PAGE, type ManagementScope } from '@realmkit/contract';
import type { Role } from '@realmkit/sdk';
import { type FormEvent, useId, useState } from 'react';
import { messageOf } from '../api/errors.ts';
import { useRoles } from '../api/roles.ts';
import { useAuth } from '../auth/auth-provider.tsx';
import { useDebouncedValue } from '../hooks/use-debounced-value.ts';
import { FormAlert } from './alerts.tsx';
import { ActionButton, NeedsScope } from './scope-hint.tsx';

/** What assigns a role by its id: a user's or an application's mutation. */
export interface RoleAssignment {
  mutateAsync(roleId: string): Promise<unknown>;
  readonly isPending: boolean;
  readonly error: unknown;
}

/**
 * One of the realm's roles (listed with roles:read) to assign, to a user or an application. The
 * choice lists the largest page of roles; a realm with more narrows it with the filter, which
 * stays while it is in use.
 *
 * @example
 * <AssignRoleForm realm={realm} scope="users:roles" assign={useAssignRole(realm, userId)} heldIds={held} onAssigned={say} />
 */
export function AssignRoleForm({
  realm,
  scope,
  assign,
  heldIds,
  onAssigned,
}: {
  realm: string;
  /** The scope the assignment needs. */
  scope: ManagementScope;
  assign: RoleAssignment;
  heldIds: ReadonlySet<string>;
  onAssigned: (role: Role) => void;
}) {
  const { can } = useAuth();
  const canList = can('roles:read');
  const [search, setSearch] = useState('');
  const filter = useDebouncedValue(search.trim());
  const roles = useRoles(
    realm,
    { per_page: MAX_PER_PAGE, ...(filter ? { search: filter } : {}) },
    { enabled: canList },
  );
  const [choice, setChoice] = useState('');
  const selectId = useId();
  const filterId = useId();

  if (!canList) return <NeedsScope scope="roles:read" what="the realm's roles to assign" />;

  const assignable = roles.data?.data.filter((role) => !heldIds.has(role.id)) ?? [];
  const chosen = assignable.find((role) => role.id === choice);
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!chosen) return;
    await assign.mutateAsync(chosen.id).then(
      () => {
        setChoice('');
        onAssigned(chosen);
      },
      () => undefined,
    );
  };

  return (
    <form className="toolbar" onSubmit={(event) => void onSubmit(event)}>
      {(roles.data?.meta.total ?? 0) > MAX_PER_PAGE || search ? (
        <div className="field">
          <label htmlFor={filterId}>Filter roles</label>
          <input id={filterId} type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={selectId}>Role to assign</label>
        <select id={selectId} value={chosen ? choice : ''} onChange={(event) => setChoice(event.target.value)}>
          <option value="">
            {roles.isPending ? 'Loading roles…' : assignable.length === 0 ? 'No other role' : 'Choose a role'}
          </option>
          {assignable.map((role) => (
            <option key={role.id} value={role.id}>
              {role.name}
            </option>
          ))}
        </select>
      </div>
      <ActionButton type="submit" scope={scope} disabled={!chosen} pending={assign.isPending} pendingLabel="Assigning…">
        Assign role
      </ActionButton>
      {assign.error ? <FormAlert>{messageOf(assign.error)}</FormAlert> : null}
    </form>
  );
}
