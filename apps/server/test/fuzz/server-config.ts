import { type Config, loadConfig } from '../../src/config/config.ts';
import type { RateLimit } from '../../src/config/rate-limit-config.ts';

/** The browser origin the fuzzed server allows; the fuzzer sends it, and others, as `Origin`. */
export const FUZZ_CORS_ORIGIN = 'https://app.fuzz.example';

/** Far above what a run sends (20,000 requests at a few hundred a second), so never a 429. */
const HIGH: RateLimit = { points: 1_000_000, durationSeconds: 60 };

/**
 * What the servers the fuzzer starts (`npm run fuzz`, `fuzz.test.ts`) change from the defaults:
 * rate limits on, so that their middleware and `RateLimit-*` headers are fuzzed and checked
 * against the document, but too high to refuse anything (the defaults would answer most of a run
 * with 429); the login's guessing delays as configured by default, so that the routes reading
 * and clearing them meet the real store; CORS on for one origin, so that its middleware is fuzzed too.
 */
export const FUZZ_SERVER_CONFIG: Pick<Config, 'rateLimits' | 'loginGuessing' | 'corsOrigins'> = {
  rateLimits: {
    tokenPerClient: HIGH,
    tokenPerIp: HIGH,
    managementPerClient: HIGH,
    loginPerIp: HIGH,
    clientAuthFailuresPerClientAndIp: HIGH,
    clientAuthFailuresPerIp: HIGH,
  },
  loginGuessing: loadConfig({}).loginGuessing,
  corsOrigins: [FUZZ_CORS_ORIGIN],
};
