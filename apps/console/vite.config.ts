import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Always a production build (React's, and JSX without dev checks), also when the caller runs with
// NODE_ENV=test (the test run's global setup builds the console): Vite takes NODE_ENV from the
// environment, and its docs say to set it here to override that.
process.env.NODE_ENV = 'production';

/**
 * The console is built into the server package (apps/server/console), which serves it at
 * /console. The contract and the SDK are bundled from their TypeScript sources (the
 * `realmkit-source` condition), as the server runs them.
 */
export default defineConfig({
  base: '/console/',
  resolve: { conditions: ['realmkit-source', 'browser', 'module', 'import', 'default'] },
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../server/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts or styles (the server's CSP allows its own origin only).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
    // What scripts/size-report.mjs reads to tell the first load from screens loaded later.
    manifest: true,
    // The budget is 250 kB gzipped for the first load (vite prints it); screens are lazy chunks.
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      onwarn(warning, warn) {
        // React Server Components' "use client" marks (TanStack Query): meaningless in a browser bundle.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
});
