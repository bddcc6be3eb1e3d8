import { configDefaults, defineProject } from 'vitest/config';
import { workspaceSources } from '../../vitest.config.ts';

export default defineProject({
  ...workspaceSources,
  test: {
    name: process.env.DATABASE_URL ? 'server (postgresql)' : 'server (pglite)',
    include: ['test/**/*.test.ts'],
    // The console's browser tests drive its pages, which call the Management API like any client:
    // they run on the embedded database only, and the API they call is tested on both.
    exclude: process.env.DATABASE_URL
      ? [...configDefaults.exclude, 'test/console*.browser.test.ts']
      : configDefaults.exclude,
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
