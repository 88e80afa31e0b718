import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import 'nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { ApiError } from './api/http.client';
import { keys } from './api/queries';
import { App } from './App';
import { forgetSession } from './auth/useAuth';
import './styles.css';

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({
    // An expired session anywhere sends the user back to sign in, with nothing left on screen.
    onError: (error, query) => {
      if (error instanceof ApiError && error.status === 401 && query.queryKey[0] !== keys.me[0]) {
        forgetSession(queryClient);
      }
    },
  }),
  defaultOptions: {
    queries: { staleTime: 10_000, retry: 1, refetchOnWindowFocus: true },
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
