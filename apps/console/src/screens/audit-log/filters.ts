import { AuditLogQuery } from '@realmkit/contract';
import type { AuditLogListParams } from '@realmkit/sdk';
import type { FieldErrors, Resolver } from 'react-hook-form';

/**
 * The audit log's filters as the admin sees them, and as the address keeps them (`?action=…&from=…`):
 * text as typed, days as `YYYY-MM-DD` in the admin's time zone; `''` is no filter.
 */
export interface AuditFilters {
  action: string;
  actor: string;
  actor_user_id: string;
  target_type: string;
  target_id: string;
  /** The first day shown (from its start). */
  from: string;
  /** The last day shown (to its end). */
  to: string;
}

export const FILTER_NAMES = [
  'action',
  'actor',
  'actor_user_id',
  'target_type',
  'target_id',
  'from',
  'to',
] as const satisfies readonly (keyof AuditFilters)[];

/** The contract's filters of `GET /audit-logs`: the check of the form and of the address alike. */
const FilterQuery = AuditLogQuery.pick({
  action: true,
  actor: true,
  actor_user_id: true,
  target_type: true,
  target_id: true,
  from: true,
  to: true,
});

export function filtersOf(search: URLSearchParams): AuditFilters {
  const filters = {} as AuditFilters;
  for (const name of FILTER_NAMES) filters[name] = search.get(name)?.trim() ?? '';
  return filters;
}

/** The page in the address (`?page=`), 1 when absent or not a page number. */
export function pageOf(search: URLSearchParams): number {
  const page = Number(search.get('page'));
  return Number.isSafeInteger(page) && page >= 1 ? page : 1;
}

/** The address's query for these filters and page (only the filters set; no page 1). */
export function searchOf(filters: AuditFilters, page = 1): string {
  const search = new URLSearchParams();
  for (const name of FILTER_NAMES) {
    const value = filters[name].trim();
    if (value) search.set(name, value);
  }
  if (page > 1) search.set('page', String(page));
  const query = search.toString();
  return query ? `?${query}` : '';
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The start of a local day as an instant (ISO 8601); what is not a day passes as typed, for the contract to refuse. */
function startOfDay(day: string, plusDays = 0): string {
  const match = DAY.exec(day);
  if (!match) return day;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + plusDays);
  return Number.isNaN(date.getTime()) ? day : date.toISOString();
}

/** The API's query for the filters: `from` at the first day's start, `to` (exclusive) at the day after the last. */
export function queryOf(filters: AuditFilters): Omit<AuditLogListParams, 'page' | 'per_page'> {
  const query: Record<string, string> = {};
  for (const name of FILTER_NAMES) {
    const value = filters[name].trim();
    if (!value) continue;
    query[name] = name === 'from' ? startOfDay(value) : name === 'to' ? startOfDay(value, 1) : value;
  }
  return query;
}

/** What is wrong with the filters, by field, as the contract says it (and the last day not before the first). */
export function problemsOf(filters: AuditFilters): FieldErrors<AuditFilters> {
  const errors: FieldErrors<AuditFilters> = {};
  const result = FilterQuery.safeParse(queryOf(filters));
  if (!result.success) {
    for (const issue of result.error.issues) {
      const name = issue.path[0];
      if (typeof name === 'string' && name in filters && !errors[name as keyof AuditFilters]) {
        errors[name as keyof AuditFilters] = { type: 'validate', message: issue.message };
      }
    }
  }
  if (!errors.from && !errors.to && filters.from && filters.to && filters.to < filters.from) {
    errors.to = { type: 'validate', message: 'The last day cannot be before the first.' };
  }
  return errors;
}

/** The filter form's resolver: the contract's check, on the values as the API gets them. */
export const filtersResolver: Resolver<AuditFilters> = (values) => {
  const errors = problemsOf(values);
  return Object.keys(errors).length > 0 ? { values: {}, errors } : { values, errors: {} };
};
