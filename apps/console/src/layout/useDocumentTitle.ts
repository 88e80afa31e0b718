import { useEffect, useRef } from 'react';
import { pageTitle } from './page-titles';

/**
 * Each screen gets its own title (WCAG 2.4.2), and after a client-side navigation focus moves to the
 * main content, as a full page load would, so keyboard and screen reader users start at the new page.
 */
export function useDocumentTitle(pathname: string): void {
  const first = useRef(true);
  useEffect(() => {
    document.title = pageTitle(pathname);
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('maincontent')?.focus({ preventScroll: false });
  }, [pathname]);
}
