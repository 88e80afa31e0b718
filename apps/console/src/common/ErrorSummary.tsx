import { useEffect, useRef } from 'react';

export interface FieldError {
  /** id of the input the error belongs to, so the summary link moves focus there. */
  href: string;
  message: string;
}

interface Props {
  errors: FieldError[];
  title?: string;
}

/** NHS error summary: focused when it appears so keyboard and screen reader users land on it. */
export function ErrorSummary({ errors, title = 'There is a problem' }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const count = errors.length;
  useEffect(() => {
    if (count > 0) ref.current?.focus();
  }, [count]);
  if (count === 0) return null;
  return (
    <div
      className="nhsuk-error-summary"
      aria-labelledby="error-summary-title"
      role="alert"
      tabIndex={-1}
      ref={ref}
    >
      <h2 className="nhsuk-error-summary__title" id="error-summary-title">
        {title}
      </h2>
      <div className="nhsuk-error-summary__body">
        <ul className="nhsuk-list nhsuk-error-summary__list">
          {errors.map((e) => (
            <li key={`${e.href}:${e.message}`}>
              {e.href ? <a href={`#${e.href}`}>{e.message}</a> : e.message}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
