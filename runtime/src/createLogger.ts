import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };
/** Where log lines go instead of stdout (tests collect them). */
export type LogDestination = DestinationStream;

/** Structured JSON logs; every service names itself, every request adds its request id. */
export function createLogger(service: string, level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}
