import { describe, expect, it } from 'vitest';
import { createRealm } from './support/realmkit.ts';

describe('rk.auditLogs', () => {
  it('lists the writes of the realm, newest first, with filters, across pages', async () => {
    const { admin } = await createRealm('sdk-audit');
    const alice = await admin.users.create({ email: 'alice@example.com' });
    await admin.users.update(alice.id, { name: 'Alice' });
    await admin.roles.create({ name: 'auditor' });

    const page = await admin.auditLogs.list();
    expect(page.data.map((entry) => entry.action)).toEqual(['role.created', 'user.updated', 'user.created']);
    expect(page.meta).toEqual({ current_page: 1, per_page: 20, total: 3 });
    expect(page.data[1]).toMatchObject({
      outcome: 'success',
      status: 200,
      target: { type: 'user', id: alice.id },
      actor: { realm_name: 'master' },
      details: { fields: ['name'] },
    });

    const ofAlice = await admin.auditLogs.list({ target_id: alice.id, action: 'user.created' });
    expect(ofAlice.data.map((entry) => entry.action)).toEqual(['user.created']);
    const actions: string[] = [];
    for await (const entry of admin.auditLogs.list({ per_page: 1 })) actions.push(entry.action);
    expect(actions).toEqual(['role.created', 'user.updated', 'user.created']);
  });
});
