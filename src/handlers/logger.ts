import { Logger } from '@aws-lambda-powertools/logger';

/** One JSON logger per function; `jobId` is appended per request or record. */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, logLevel: (process.env.LOG_LEVEL ?? 'INFO') as 'INFO' });
}
