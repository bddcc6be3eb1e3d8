import { createContext, use } from 'react';

/** The realm a screen under `/realms/:realm` manages. */
export const RealmContext = createContext<string | null>(null);

export function useRealmName(): string {
  const realm = use(RealmContext);
  if (realm === null) throw new Error('useRealmName outside /realms/:realm');
  return realm;
}
