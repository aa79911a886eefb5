import { ApiError } from '../api/client';
import { VisibleText } from './visible-text';

/** The sentence to show for a failure: the API's `detail`, or the error's own message. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong; try again.';
}

/** An error as one sentence, announced to screen readers; nothing when there is no error. */
export function ErrorMessage({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  return <p className="error" role="alert"><VisibleText text={errorText(error)} /></p>;
}
