import { readFile } from 'node:fs/promises';
import type { Context } from 'aws-lambda';
import { startBackingServices } from '../local/backing-services/backing-services.ts';
import { createLambdaContext } from '../local/lambda-context.ts';

interface Io {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}

/**
 * `auto-vid invoke <LogicalId> <event.json>`: the stand-in for `sam local invoke`. The function's
 * handler and environment come from template.yaml; it runs in this process against the backing
 * services (the embedded stand-ins, state under the data folder). Prints the result as JSON; exit 0
 * when the function ran, whatever it answered, 1 when it threw, 2 for a usage or I/O error.
 */
export async function runInvokeCommand(
  logicalId: string,
  eventPath: string,
  options: { dataDir: string },
  io: Io,
): Promise<number> {
  let event: unknown;
  try {
    event = JSON.parse(await readFile(eventPath, 'utf8'));
  } catch (error) {
    io.err.write(`Cannot read the event ${eventPath}: ${(error as Error).message}\n`);
    return 2;
  }
  const services = await startBackingServices({ dataDir: options.dataDir });
  try {
    try {
      services.handlerFor(logicalId);
    } catch (error) {
      io.err.write(`${(error as Error).message}\n`);
      return 2;
    }
    const context = createLambdaContext(
      services.template.physicalName(logicalId),
      services.template.functionTimeout(logicalId),
    );
    try {
      // As on Lambda, the function is wired from its own environment (here the template's) and a
      // fault while wiring is the invocation's error.
      const handler =
        await services.wireFunction<(event: unknown, context: Context) => Promise<unknown>>(logicalId);
      const result = await handler(event, context);
      io.out.write(`${JSON.stringify(result ?? null)}\n`);
      for (const [id, queue] of services.queues) {
        if (queue.size > 0) {
          io.err.write(
            `${queue.size} message(s) left on ${id}; they are not kept after invoke (auto-vid dev runs the queue).\n`,
          );
        }
      }
      return 0;
    } catch (error) {
      io.out.write(
        `${JSON.stringify({ errorType: (error as Error).name, errorMessage: (error as Error).message })}\n`,
      );
      return 1;
    }
  } finally {
    await services.close();
  }
}
