/**
 * Clearer words for the contract's schemas on a blank entry (`z.string().min(1)`): the schema
 * decides what is valid, this only says it the way the form asks. Passed to `zodResolver`.
 */
export const blankMessages = {
  error: (issue: { code: string; path?: readonly PropertyKey[]; minimum?: unknown; origin?: unknown }) => {
    if (issue.code !== 'too_small' || issue.origin !== 'string' || Number(issue.minimum) !== 1) return undefined;
    // A URI of a list (`redirect_uris.2`) can be removed instead.
    return typeof issue.path?.at(-1) === 'number' ? 'Enter a URI, or remove this line.' : 'Required.';
  },
};
