/**
 * The one catalogue of errors the domain can raise. Each carries the HTTP status the
 * contract (shared/API.md) names and a machine code; the HTTP edge renders them as
 * `{detail, code}` and nothing else decides a status.
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  /** Extra JSON members rendered beside detail and code. */
  readonly extra: Record<string, unknown>;

  constructor(status: number, code: string, detail: string, options: { cause?: unknown; extra?: Record<string, unknown> } = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.extra = options.extra ?? {};
  }
}

export class BadRequestError extends AppError {
  constructor(detail: string, code = 'BAD_REQUEST', extra?: Record<string, unknown>) {
    super(400, code, detail, { extra });
  }
}

/** The file cannot be used at all: broken syntax, no features, wrong structure. */
export class FileUnreadableError extends AppError {
  constructor(detail: string, extra?: Record<string, unknown>, cause?: unknown) {
    super(400, 'FILE_UNREADABLE', detail, { extra, cause });
  }
}

export class UnsupportedFormatError extends AppError {
  constructor(detail: string) {
    super(415, 'UNSUPPORTED_FORMAT', detail);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(detail: string, code = 'PAYLOAD_TOO_LARGE') {
    super(413, code, detail);
  }
}

export class UnauthorizedError extends AppError {
  constructor(detail = 'Missing, invalid or expired token. Send "Authorization: Bearer <token>"; get one from POST /refresh_token.', code = 'UNAUTHORIZED') {
    super(401, code, detail);
  }
}

export class NotFoundError extends AppError {
  constructor(detail: string, code = 'NOT_FOUND') {
    super(404, code, detail);
  }
}

export class ConflictError extends AppError {
  constructor(detail: string, code = 'CONFLICT') {
    super(409, code, detail);
  }
}

export class RuleViolationError extends AppError {
  constructor(detail: string, code: string, extra?: Record<string, unknown>) {
    super(422, code, detail, { extra });
  }
}

export class ThrottledError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(detail: string, retryAfterSeconds: number) {
    super(429, 'THROTTLED', detail);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Something the server needs is missing (e.g. the dashboard was not built); the request may work later. */
export class UnavailableError extends AppError {
  constructor(detail: string, code = 'UNAVAILABLE') {
    super(503, code, detail);
  }
}

/** The file declares a coordinate reference system Canopy cannot turn into WGS 84. */
export class UnsupportedCrsError extends AppError {
  constructor(detail: string) {
    super(422, 'CRS_UNSUPPORTED', detail);
  }
}

/** A raster Canopy cannot screen with: not EPSG:4326, rotated, tiles that do not form one grid, an unreadable file. */
export class RasterRefusedError extends AppError {
  constructor(detail: string) {
    super(422, 'RASTER_UNSUPPORTED', detail);
  }
}

/** A dataset of that name is registered already. */
export class DatasetExistsError extends AppError {
  constructor(name: string) {
    super(409, 'DATASET_EXISTS', `A dataset named "${name}" is registered already; remove it first (canopy datasets remove --name ${name}) or choose another name.`);
  }
}
