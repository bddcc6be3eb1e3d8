import type { TestProject } from 'vitest/node';
import { ADMIN, startRealmkit } from './server-process.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    realmkitUrl: string;
    adminClient: { clientId: string; clientSecret: string };
  }
}

/**
 * The server the SDK suite is tested against over HTTP, never against a mocked fetch
 * (./server-process.ts).
 */
export default async function setup(project: TestProject) {
  const server = await startRealmkit('suite', {
    // Every SDK test file shares the one admin client: limits would throttle the suite (429s and
    // the SDK's retries are tested against a fake server, and against a server of their own in
    // rate-limits.test.ts).
    REALMKIT_RATE_LIMIT_TOKEN_PER_CLIENT: 'off',
    REALMKIT_RATE_LIMIT_TOKEN_PER_IP: 'off',
    REALMKIT_RATE_LIMIT_MANAGEMENT_PER_CLIENT: 'off',
  });
  project.provide('realmkitUrl', server.url);
  project.provide('adminClient', ADMIN);
  return server.stop;
}
