// `npm run build`: ESM + CJS + declarations, as every published Realmkit package (tsdown.base.ts).
import { defineConfig } from 'tsdown';
import { dualPackageBuild } from '../../tsdown.base.ts';

export default defineConfig(dualPackageBuild);
