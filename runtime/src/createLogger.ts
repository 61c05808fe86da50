import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; every service names itself, every request adds its request id. */
export function createLogger(service: string, level: string): Logger {
  return pino({ level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}
