import { useEffect } from 'react';
import { pageTitle } from './page-titles';

export function useDocumentTitle(pathname: string): void {
  useEffect(() => {
    document.title = pageTitle(pathname);
  }, [pathname]);
}
