import { configDefaults, defineProject } from 'vitest/config';
import { workspaceSources } from '../../vitest.config.ts';

export default defineProject({
  ...workspaceSources,
  test: {
    name: process.env.DATABASE_URL ? 'server (postgresql)' : 'server (pglite)',
    include: ['test/**/*.test.ts'],
    // The console's browser tests drive its pages, which call the Management API like any client:
    // they run on the embedded database only, and the API they call is tested on both. The
    // `realmkit` commands of cli.test.ts run on embedded databases of their own (or name a
    // PostgreSQL server themselves) whatever the run's database: they run once, beside the
    // PostgreSQL run, which is the shorter (the two go side by side in CI).
    exclude: process.env.DATABASE_URL
      ? [...configDefaults.exclude, 'test/console*.browser.test.ts']
      : [...configDefaults.exclude, 'test/cli.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
