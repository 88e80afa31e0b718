import { errorMessage } from '../api/http.client';

/** A failed request, in the server's own words (never a blank screen). */
export function ApiErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <div className="nhsuk-error-summary" role="alert">
      <h2 className="nhsuk-error-summary__title">There is a problem</h2>
      <div className="nhsuk-error-summary__body">
        <p>{errorMessage(error)}</p>
      </div>
    </div>
  );
}
