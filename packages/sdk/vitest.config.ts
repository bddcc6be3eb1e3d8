import { defineProject } from 'vitest/config';
import { workspaceSources } from '../../vitest.config.ts';

export default defineProject({
  ...workspaceSources,
  test: {
    name: process.env.DATABASE_URL ? 'sdk (postgresql)' : 'sdk (pglite)',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
