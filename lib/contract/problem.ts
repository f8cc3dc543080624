import type { z } from 'zod';

/** One field-level error of a problem document (contract §2). `path` is a JSON pointer. */
export interface FieldError {
  index?: number;
  path: string;
  message: string;
}

/** An RFC 9457 problem document, as every error response of the HTTP API carries it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

/** The `type` URIs of the problems dashnet answers; stable, so clients can switch on them. */
export const PROBLEM_TYPES = {
  malformed: 'https://dashnet.dev/problems/malformed-body',
  validation: 'https://dashnet.dev/problems/validation',
  unauthorized: 'https://dashnet.dev/problems/unauthorized',
  forbidden: 'https://dashnet.dev/problems/forbidden',
  noConsent: 'https://dashnet.dev/problems/no-consent',
  notFound: 'https://dashnet.dev/problems/not-found',
  tooLarge: 'https://dashnet.dev/problems/payload-too-large',
  rateLimited: 'https://dashnet.dev/problems/rate-limited',
  unsupportedMedia: 'https://dashnet.dev/problems/unsupported-media-type',
  internal: 'https://dashnet.dev/problems/internal',
  unavailable: 'https://dashnet.dev/problems/unavailable',
} as const;

/** Turns a zod path into a JSON pointer (`/events/3/lat`). */
export function toJsonPointer(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '';
  return `/${path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
}

/** Field errors of a failed zod parse, each naming the offending field by JSON pointer. */
export function fieldErrors(
  error: z.ZodError,
  prefix: readonly PropertyKey[] = [],
  index?: number,
): FieldError[] {
  return error.issues.map((issue) => ({
    ...(index === undefined ? {} : { index }),
    path: toJsonPointer([...prefix, ...issue.path]),
    message: issue.message,
  }));
}
