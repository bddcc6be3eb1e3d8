/** Shared by every test server of a run: issuer URLs are part of every token. */
export const TEST_ISSUER_URL = 'http://realmkit.test';

/** A fixed key, so a developer's test database keeps working across runs. Tests only. */
export const TEST_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');

export const TEST_BOOTSTRAP_CLIENT = {
  clientId: 'test-bootstrap-admin',
  clientSecret: 'test-bootstrap-secret-0123456789',
};
