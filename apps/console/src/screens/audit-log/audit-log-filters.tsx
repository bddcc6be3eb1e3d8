import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { TextField } from '../../components/form-fields.tsx';
import { type AuditFilters, FILTER_NAMES, filtersResolver, problemsOf } from './filters.ts';

/** Where the filters start open (layout.css's phone breakpoint). */
const WIDE_SCREEN = '(min-width: 768px)';

const NO_FILTERS: AuditFilters = Object.fromEntries(FILTER_NAMES.map((name) => [name, ''])) as unknown as AuditFilters;

/**
 * The filters, as the address has them: applying them changes the address (so a filtered view
 * can be linked, and survives a reload); the address changing (Back) refills them.
 */
export function AuditLogFilters({
  applied,
  onApply,
}: {
  applied: AuditFilters;
  onApply: (filters: AuditFilters) => void;
}) {
  const form = useForm<AuditFilters>({ resolver: filtersResolver, defaultValues: applied });

  // The address is the truth: refill from it, and show what is wrong with a hand-edited one.
  useEffect(() => {
    form.reset(applied);
    for (const [name, error] of Object.entries(problemsOf(applied))) {
      if (error?.message) form.setError(name as keyof AuditFilters, { type: 'validate', message: error.message });
    }
  }, [form, applied]);

  const active = FILTER_NAMES.filter((name) => applied[name] !== '').length;
  // Open on a wide screen; on a phone the entries come first (the summary says what is applied).
  const [initiallyOpen] = useState(() => window.matchMedia(WIDE_SCREEN).matches);
  return (
    <section className="panel filters-panel" aria-labelledby="audit-filters-title">
      <details open={initiallyOpen}>
        <summary>
          <h2 id="audit-filters-title">Filters</h2>
          {active > 0 && <span className="badge">{active} applied</span>}
        </summary>
        <form onSubmit={form.handleSubmit(onApply)} noValidate>
          <div className="form-grid form-grid-compact">
            <TextField
              form={form}
              name="action"
              label="Action"
              hint="Exactly, e.g. user.created."
              autoComplete="off"
              spellCheck={false}
            />
            <TextField
              form={form}
              name="actor"
              label="Actor client id"
              hint="The application's client_id."
              autoComplete="off"
              spellCheck={false}
            />
            <TextField
              form={form}
              name="actor_user_id"
              label="Actor user id"
              hint="Their sign-ins and what they did."
              autoComplete="off"
              spellCheck={false}
            />
            <TextField
              form={form}
              name="target_type"
              label="Target type"
              hint="e.g. user, role, scope."
              autoComplete="off"
              spellCheck={false}
            />
            <TextField
              form={form}
              name="target_id"
              label="Target id"
              hint="What was changed."
              autoComplete="off"
              spellCheck={false}
            />
            <TextField form={form} name="from" label="From" hint="The first day (your time)." type="date" />
            <TextField form={form} name="to" label="To" hint="The last day, included." type="date" />
          </div>
          <div className="actions">
            <button type="submit" className="button button-primary">
              Apply filters
            </button>
            <button
              type="button"
              className="button button-secondary"
              disabled={!active && !form.formState.isDirty}
              onClick={() => onApply(NO_FILTERS)}
            >
              Clear filters
            </button>
          </div>
        </form>
      </details>
    </section>
  );
}
