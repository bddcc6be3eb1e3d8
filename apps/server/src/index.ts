export type { Config } from './config.ts';
export { ConfigError, loadConfig } from './config.ts';
export { createLogger } from './http/logger.ts';
export type { RunningServer, StartOptions } from './server.ts';
export { startServer } from './server.ts';
