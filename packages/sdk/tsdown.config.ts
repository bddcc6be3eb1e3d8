// `npm run build`: ESM + CJS + declarations, as every published Realmkit package (tsdown.base.ts),
// and a second entry, `@realmkit/sdk/node`, for what needs Node.js (`fromTokenFile` reads a file):
// the main entry imports no `node:` module, so browser bundles never meet one.
import { defineConfig } from 'tsdown';
import { dualPackageBuild } from '../../tsdown.base.ts';

export default defineConfig({ ...dualPackageBuild, entry: { index: 'src/index.ts', node: 'src/node.ts' } });
