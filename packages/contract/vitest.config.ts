import { defineProject } from 'vitest/config';
import { workspaceSources } from '../../vitest.config.ts';

export default defineProject({
  ...workspaceSources,
  test: { name: 'contract', include: ['test/**/*.test.ts'] },
});
