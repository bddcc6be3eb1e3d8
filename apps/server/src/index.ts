export type { Config } from './config/config.ts';
export { ConfigError, loadConfig } from './config/config.ts';
export { createLogger } from './http/logger.ts';
export type { RunningServer, StartOptions } from './server.ts';
export { startServer } from './server.ts';
