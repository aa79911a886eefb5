import { AppError } from '../../domain/errors.js';

/** An error as it crosses from a worker thread: an AppError keeps its status, code and extras. */
export interface WireError { message: string; stack?: string; app?: { status: number; code: string; extra: Record<string, unknown> } }

export function toWireError(err: unknown): WireError {
  if (err instanceof AppError) return { message: err.message, app: { status: err.status, code: err.code, extra: err.extra } };
  if (err instanceof Error) return { message: err.message, stack: err.stack };
  return { message: String(err) };
}

/** The error again on the receiving side; `what` names the worker for an unexpected one. */
export function fromWireError(wire: WireError, what: string): Error {
  if (wire.app) return new AppError(wire.app.status, wire.app.code, wire.message, { extra: wire.app.extra });
  return new Error(`${what} failed: ${wire.stack ?? wire.message}`);
}
