import type { Logger } from '@aws-lambda-powertools/logger';
import { parse } from '@aws-lambda-powertools/parser';
import { APIGatewayProxyEventSchema } from '@aws-lambda-powertools/parser/schemas/api-gateway';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { z } from 'zod';
import { errorResponse } from '../api/responses.ts';

export type ApiEvent = z.infer<typeof APIGatewayProxyEventSchema>;

/** An API function as Lambda calls it: any event in, a proxy result out. */
export type ApiLambda = (event: unknown) => Promise<APIGatewayProxyResult>;

/**
 * The frame every API handler shares: parse the proxy event, run the use-case, and turn anything
 * unexpected into the old contract's 500 (logged with its stack, never shown to the client).
 */
export function apiHandler(
  logger: Logger,
  run: (event: ApiEvent) => Promise<APIGatewayProxyResult>,
): ApiLambda {
  return async (rawEvent) => {
    const parsed = parse(rawEvent, undefined, APIGatewayProxyEventSchema, true);
    if (!parsed.success) {
      logger.error('Not an API Gateway proxy event', { error: parsed.error.message });
      return errorResponse(500, 'Internal server error', new Date());
    }
    const event = parsed.data;
    logger.appendKeys({ requestId: event.requestContext.requestId });
    try {
      const response = await run(event);
      logger.info('Request answered', {
        method: event.httpMethod,
        resource: event.resource,
        statusCode: response.statusCode,
      });
      return response;
    } catch (error) {
      logger.error('Request failed unexpectedly', error as Error);
      return errorResponse(500, 'Internal server error', new Date());
    } finally {
      logger.removeKeys(['requestId', 'jobId']);
    }
  };
}

/** A header's value whatever the case the client wrote it in. */
export function headerValue(event: Pick<ApiEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const entry = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === wanted);
  return entry?.[1] ?? undefined;
}

/** The id of the API key the request came with (the jobs' owner); none on a route open without one. */
export function callerOf(event: ApiEvent): string | undefined {
  return event.requestContext.identity.apiKeyId ?? undefined;
}

/**
 * The URL a client called the API at, without the route: the scheme API Gateway forwards, the
 * domain, and whatever the request context's path holds before the route's resource (the stage on
 * an execute-api domain, a base path on a custom domain, nothing locally). The route takes as many
 * segments at the path's end as its resource has: a path parameter is one segment. (`event.path`
 * is no help: on a custom domain it carries the base path too.)
 */
export function apiBaseUrl(event: ApiEvent): string {
  const scheme = headerValue(event, 'X-Forwarded-Proto') ?? 'https';
  const called = (event.requestContext.path ?? event.path).split('/').filter(Boolean);
  const routeDepth = (event.requestContext.resourcePath ?? event.resource).split('/').filter(Boolean).length;
  const prefix = called.slice(0, Math.max(0, called.length - routeDepth));
  const prefixPath = prefix.map((segment) => `/${segment}`).join('');
  return `${scheme}://${event.requestContext.domainName ?? 'localhost'}${prefixPath}`;
}

export type ApiRoute = (event: ApiEvent) => Promise<APIGatewayProxyResult>;

/**
 * One function behind several routes of the template: the use-case by `<METHOD> <resource>` as
 * API Gateway names the matched route (`GET /jobs/{jobId}`).
 */
export function byRoute(routes: Readonly<Record<string, ApiRoute>>): ApiRoute {
  return async (event) => {
    const route = routes[`${event.httpMethod} ${event.resource}`];
    if (!route) return errorResponse(404, `No route ${event.httpMethod} ${event.resource}`, new Date());
    return route(event);
  };
}

/** A use-case of one job: the `{jobId}` of the path, the caller's key id, and the event itself. */
export type JobRoute = (
  jobId: string | undefined,
  caller: string | undefined,
  event: ApiEvent,
) => Promise<APIGatewayProxyResult>;

/** A `/…/{jobId}` route: the id on every log line of the request, the use-case called with it. */
export function forJob(logger: Logger, route: JobRoute): ApiRoute {
  return (event) => {
    const jobId = event.pathParameters?.jobId ?? undefined;
    if (jobId) logger.appendKeys({ jobId });
    return route(jobId, callerOf(event), event);
  };
}
