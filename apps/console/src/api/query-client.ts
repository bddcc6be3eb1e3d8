import { QueryClient } from '@tanstack/react-query';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // The SDK already retries network errors and 5xx; a 4xx will not change by asking again.
      retry: false,
      staleTime: 30_000,
      // An edit form keeps the ETag it was loaded with; refetching under it would only surprise.
      refetchOnWindowFocus: false,
    },
    mutations: { retry: false },
  },
});
