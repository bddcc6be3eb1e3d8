import { beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, RateLimitError, type Realmkit, UnprocessableEntityError } from '../src/index.ts';
import { createRealm, masterClient } from './support/realmkit.ts';

let rk: Realmkit;

beforeAll(async () => {
  rk = (await createRealm('sdk-users')).admin;
});

describe('rk.users', () => {
  it('creates, gets, updates, lists and deletes, with typed errors', async () => {
    const user = await rk.users.create({ email: 'jane@example.com', name: 'Jane Doe', password: 'securePassword123' });
    expect(user).toMatchObject({ email: 'jane@example.com', name: 'Jane Doe', has_password: true });
    expect(await rk.users.get(user.id)).toEqual(user);
    expect((await rk.users.update(user.id, { name: 'Jane Smith' })).name).toBe('Jane Smith');

    const conflict = await rk.users.create({ email: 'JANE@example.com' }).catch((error: unknown) => error);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect(conflict).toMatchObject({ status: 409, error: 'conflict', details: [{ path: 'email' }] });
    expect((conflict as ConflictError).requestId).toEqual(expect.any(String));

    const weak = await rk.users.setPassword(user.id, 'short').catch((error: unknown) => error);
    expect(weak).toBeInstanceOf(UnprocessableEntityError);
    expect(await rk.users.verifyPassword(user.id, 'securePassword123')).toBe(true);
    expect(await rk.users.verifyPassword(user.id, 'wrong-password')).toBe(false);

    // Failed sign-ins at the login page (verifyPassword is not one), and their clearing.
    const none = { failures: 0, last_failure_at: null, reset_at: null, delayed_until: null };
    expect(await rk.users.getSignInFailures(user.id)).toEqual(none);
    await rk.users.clearSignInFailures(user.id);
    expect(await rk.users.getSignInFailures(user.id)).toEqual(none);

    const emails: string[] = [];
    for await (const u of rk.users.list({ search: 'jane' })) emails.push(u.email);
    expect(emails).toEqual(['jane@example.com']);

    await rk.users.delete(user.id);
    await expect(rk.users.get(user.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('iterates across pages with for await, and pages one at a time', async () => {
    for (let i = 0; i < 5; i++) await rk.users.create({ email: `page${i}@example.com` });
    const first = await rk.users.list({ per_page: 2, search: 'page' });
    expect(first.data).toHaveLength(2);
    expect(first.meta).toEqual({ current_page: 1, per_page: 2, total: 5, next_after: first.data[1]?.id });
    expect(first.hasNextPage()).toBe(true);
    const second = await first.getNextPage();
    expect(second.meta.current_page).toBe(2);

    const all: string[] = [];
    for await (const u of rk.users.list({ per_page: 2, search: 'page' })) all.push(u.email);
    expect(all.sort()).toEqual(['page0', 'page1', 'page2', 'page3', 'page4'].map((p) => `${p}@example.com`));
  });

  it('suspends and unsuspends a user, and sets a password that verifies', async () => {
    const user = await rk.users.create({ email: 'sam@example.com', username: 'sam' });
    expect(user).toMatchObject({ is_suspended: false, has_password: false, username: 'sam' });
    expect(await rk.users.verifyPassword(user.id, 'anything-at-all')).toBe(false);

    const suspended = await rk.users.setSuspended(user.id, true);
    expect(suspended).toMatchObject({ id: user.id, is_suspended: true });
    expect((await rk.users.get(user.id)).is_suspended).toBe(true);
    expect((await rk.users.setSuspended(user.id, false)).is_suspended).toBe(false);

    const withPassword = await rk.users.setPassword(user.id, 'newSecurePassword456');
    expect(withPassword).toMatchObject({ id: user.id, has_password: true });
    expect(withPassword).not.toHaveProperty('password');
    expect(await rk.users.verifyPassword(user.id, 'newSecurePassword456')).toBe(true);

    const missing = '0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20';
    await expect(rk.users.setSuspended(missing, true)).rejects.toBeInstanceOf(NotFoundError);
    await expect(rk.users.verifyPassword(missing, 'whatever-password')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('assigns, lists and removes roles', async () => {
    const user = await rk.users.create({ email: 'roles@example.com' });
    const editor = await rk.roles.create({ name: 'user-editor', description: 'Edits' });
    const viewer = await rk.roles.create({ name: 'user-viewer' });
    expect((await rk.users.roles.list(user.id)).data).toEqual([]);

    await rk.users.roles.assign(user.id, [viewer.id, editor.id]);
    await rk.users.roles.assign(user.id, [editor.id]); // already assigned: fine
    const roles = await rk.users.roles.list(user.id);
    expect(roles.data).toEqual([editor, viewer]);
    expect(roles.meta).toEqual({ current_page: 1, per_page: 20, total: 2 });
    const first = await rk.users.roles.list(user.id, { per_page: 1 });
    expect(first.data.map((r) => r.id)).toEqual([editor.id]);
    expect((await first.getNextPage()).data.map((r) => r.id)).toEqual([viewer.id]);

    await rk.users.roles.remove(user.id, editor.id);
    expect((await rk.users.roles.list(user.id)).data.map((r) => r.id)).toEqual([viewer.id]);
    const notAssigned = await rk.users.roles.remove(user.id, editor.id).catch((error: unknown) => error);
    expect(notAssigned).toBeInstanceOf(NotFoundError);

    const unknownId = '0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20';
    const unknown = await rk.users.roles.assign(user.id, [editor.id, unknownId]).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(UnprocessableEntityError);
    expect(unknown).toMatchObject({ status: 422, details: [{ path: 'role_ids.1' }] });
    expect((await rk.users.roles.list(user.id)).data.map((r) => r.id)).toEqual([viewer.id]);

    // Deleting a role takes it away from its users.
    await rk.roles.delete(viewer.id);
    expect((await rk.users.roles.list(user.id)).meta.total).toBe(0);
  });

  it('lists identities (none for a user created through the API)', async () => {
    const user = await rk.users.create({ email: 'identities@example.com' });
    // A role, so that a list of anything else than identities would not be empty.
    const role = await rk.roles.create({ name: 'identities-role' });
    await rk.users.roles.assign(user.id, [role.id]);
    expect((await rk.users.roles.list(user.id)).meta.total).toBe(1);
    const identities = await rk.users.identities.list(user.id);
    expect(identities.data).toEqual([]);
    expect(identities.meta).toEqual({ current_page: 1, per_page: 20, total: 0 });
    expect(identities.hasNextPage()).toBe(false);
    await rk.users.delete(user.id);
    await expect(rk.users.identities.list(user.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("lists and ends a user's sessions (none for a user who never signed in)", async () => {
    const user = await rk.users.create({ email: 'sessions@example.com' });
    const sessions = await rk.users.listSessions(user.id, { per_page: 5 });
    expect(sessions.data).toEqual([]);
    expect(sessions.meta).toEqual({ current_page: 1, per_page: 5, total: 0 });
    await rk.users.endSessions(user.id);
    await expect(rk.users.endSession(user.id, '0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await rk.users.delete(user.id);
    await expect(rk.users.listSessions(user.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('rk.usersByRealmName and sendVerifyEmail', () => {
  it('reaches the same users by realm name, camelCase, pages from 0', async () => {
    const { name } = await createRealm('sdk-by-name');
    const master = masterClient();
    const alice = await master.usersByRealmName.create({
      realmName: name,
      username: 'alice',
      email: 'alice@example.com',
      firstName: 'Alice',
      password: 'SecurePass123!',
    });
    expect(alice).toMatchObject({ realmName: name, username: 'alice', enabled: true, emailVerified: false });
    const updated = await master.usersByRealmName.update(alice.id, { enabled: false });
    expect(updated.enabled).toBe(false);
    expect((await master.forRealm(name).users.get(alice.id)).is_suspended).toBe(true);

    const page = await master.usersByRealmName.list({ realm: name, page: 0, size: 10 });
    expect(page).toMatchObject({ page: 0, size: 10, totalElements: 1, totalPages: 1 });
    expect(page.content[0]?.id).toBe(alice.id);

    await master.usersByRealmName.resetPassword(alice.id, 'NewSecurePass456!');
    expect(await master.forRealm(name).users.verifyPassword(alice.id, 'NewSecurePass456!')).toBe(true);

    await master.usersByRealmName.sendVerifyEmail(alice.id);
    // Within the minute the server answers 429 with Retry-After, which the SDK would wait out:
    // maxRetries: 0 hands it to the caller.
    const again = await master
      .forRealm(name)
      .users.sendVerifyEmail(alice.id, { maxRetries: 0 })
      .catch((error: unknown) => error);
    expect(again).toBeInstanceOf(RateLimitError);
    expect((again as RateLimitError).retryAfter).toBeGreaterThan(0);
    expect((again as RateLimitError).retryAfter).toBe(Number((again as RateLimitError).headers.get('retry-after')));

    await master.usersByRealmName.delete(alice.id);
    await expect(master.usersByRealmName.get(alice.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
