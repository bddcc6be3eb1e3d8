import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Workspace packages resolve to their TypeScript sources, as `realmkit-source` does for Node. */
export const workspaceSources = {
  resolve: {
    alias: {
      '@realmkit/contract': fileURLToPath(new URL('./packages/contract/src/index.ts', import.meta.url)),
      // Before '@realmkit/sdk', which would otherwise take '@realmkit/sdk/node' for a path under it.
      '@realmkit/sdk/node': fileURLToPath(new URL('./packages/sdk/src/node.ts', import.meta.url)),
      '@realmkit/sdk': fileURLToPath(new URL('./packages/sdk/src/index.ts', import.meta.url)),
    },
  },
};

/** `npm test`: every package's suite in one run. */
export default defineConfig({
  ...workspaceSources,
  test: {
    projects: ['packages/contract', 'packages/sdk', 'apps/server'],
  },
});
