/**
 * An error whose code and message are safe to show the caller. Anything thrown that is not an ApiError (or a
 * Fleet error mapped in error-mapping) becomes a bare 500 with nothing of the original in it.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (code: string, message: string): ApiError => new ApiError(400, code, message);
export const notFound = (message: string): ApiError => new ApiError(404, 'not_found', message);
