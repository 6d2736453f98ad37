import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../processor/log.ts';

type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** One JSON logger per function, its level from the function's environment; `jobId` is appended per request or record. */
export function createLogger(serviceName: string, env: NodeJS.ProcessEnv = process.env): Logger {
  return new Logger({ serviceName, logLevel: (env.LOG_LEVEL ?? 'INFO') as LogLevel });
}

/** The use-cases' log port, writing through a function's logger. */
export function toLog(logger: Logger): Log {
  return (level, message, fields) => logger[level](message, fields ?? {});
}
