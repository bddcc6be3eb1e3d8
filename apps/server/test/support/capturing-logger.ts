import { createLogger } from '../../src/http/logger.ts';

/** A log line as the server writes it. */
export interface CapturedLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** The server's own logger (same redaction), keeping its lines to check what was (and was not) logged. */
export function capturingLogger(level = 'debug') {
  const lines: CapturedLine[] = [];
  const raw: string[] = [];
  const logger = createLogger(level, {
    write(line: string) {
      raw.push(line);
      lines.push(JSON.parse(line));
    },
  });
  return { logger, lines, text: () => raw.join('') };
}
