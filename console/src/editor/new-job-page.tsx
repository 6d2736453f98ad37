import { useEffect, useMemo, useState } from 'preact/hooks';
import type { JobPlan, JobSpec } from '../../../client/src/contract.ts';
import { clientFor } from '../api.ts';
import { SAMPLES, sampleWithUploads } from '../samples.ts';
import type { Session, UploadedAsset } from '../session.ts';
import { TimelineView } from '../timeline/timeline-view.tsx';
import { checkSpecText } from './diagnostics.ts';
import { type FormModel, type FormReading, formFromSpec, specFromForm } from './form-model.ts';
import { SpecEditor } from './spec-editor.tsx';
import { SpecForm } from './spec-form.tsx';

const DRAFT_KEY = 'auto-vid.console.draft';

type PlanState =
  | { state: 'idle' }
  | { state: 'planning' }
  | { state: 'planned'; plan: JobPlan }
  | { state: 'refused'; message: string };

/** Write a spec (JSON with checks as you type, or the form), see its timeline from the dry run, submit. */
export function NewJobPage({ session, uploads }: { session: Session; uploads: readonly UploadedAsset[] }) {
  const [text, setText] = useState(() => localStorage.getItem(DRAFT_KEY) ?? '');
  const [mode, setMode] = useState<'json' | 'form'>('json');
  /** The form's own state while it is open: a line being typed may leave the spec invalid for a while. */
  const [formState, setFormState] = useState<FormReading>();
  const [plan, setPlan] = useState<PlanState>({ state: 'idle' });
  const [submitted, setSubmitted] = useState<{ jobId?: string; problem?: string }>({});
  const checked = useMemo(() => (text.trim() === '' ? undefined : checkSpecText(text)), [text]);
  useEffect(() => localStorage.setItem(DRAFT_KEY, text), [text]);
  useDryRun(session, checked?.ok ? (checked.spec as JobSpec) : undefined, text, setPlan);
  const write = (spec: unknown) => setText(`${JSON.stringify(spec, null, 2)}\n`);
  const openForm = (spec: unknown) =>
    setFormState(
      spec === undefined ? { ok: false, reason: 'the JSON is not a valid spec yet' } : formFromSpec(spec),
    );
  const changeForm = (next: FormModel) => {
    setFormState({ ok: true, form: next });
    write(specFromForm(next));
  };
  const submit = async () => {
    if (!checked?.ok) return;
    setSubmitted({});
    try {
      const job = await clientFor(session).submit(checked.spec as JobSpec, {
        idempotencyKey: crypto.randomUUID(),
      });
      setSubmitted({ jobId: job.jobId });
    } catch (error) {
      setSubmitted({ problem: (error as Error).message });
    }
  };
  return (
    <section aria-labelledby="new-title" class="new-job">
      <h1 id="new-title">New job</h1>
      <div class="toolbar">
        <label for="sample">Start from a sample</label>
        <select
          id="sample"
          value=""
          onChange={(event) => {
            const sample = SAMPLES.find((s) => s.id === event.currentTarget.value);
            if (!sample) return;
            const spec = sampleWithUploads(sample, uploads);
            write(spec);
            if (mode === 'form') openForm(spec);
          }}
        >
          <option value="">Choose…</option>
          {SAMPLES.map((sample) => (
            <option value={sample.id}>{sample.title}</option>
          ))}
        </select>
        <fieldset class="modes">
          <legend class="visually-hidden">Editing mode</legend>
          <label>
            <input type="radio" name="mode" checked={mode === 'json'} onChange={() => setMode('json')} /> JSON
          </label>
          <label>
            <input
              type="radio"
              name="mode"
              checked={mode === 'form'}
              onChange={() => {
                setMode('form');
                openForm(checked?.ok ? checked.spec : undefined);
              }}
            />{' '}
            Form
          </label>
        </fieldset>
      </div>
      {mode === 'form' && formState?.ok === false && (
        <p class="hint" role="status">
          This spec stays in JSON: {formState.reason}.
        </p>
      )}
      {mode === 'form' && formState?.ok ? (
        <>
          <SpecForm form={formState.form} uploads={uploads} onChange={changeForm} />
          {checked?.ok === false && (
            <ul class="diagnostics" aria-label="Problems" aria-live="polite">
              {checked.diagnostics.map((d) => (
                <li>{d.message}</li>
              ))}
            </ul>
          )}
        </>
      ) : (
        <SpecEditor
          text={text}
          onChange={setText}
          diagnostics={checked?.ok === false ? checked.diagnostics : []}
          uploads={uploads}
        />
      )}
      <h2 id="timeline-title">Timeline</h2>
      <PlanPanel plan={plan} />
      <div class="actions">
        <button type="button" onClick={submit} disabled={!checked?.ok}>
          Submit job
        </button>
        <p role="status" class={submitted.problem ? 'problem' : 'hint'}>
          {submitted.jobId && (
            <>
              Submitted: <a href={`#/jobs/${submitted.jobId}`}>job {submitted.jobId}</a>
            </>
          )}
          {submitted.problem}
        </p>
      </div>
    </section>
  );
}

function PlanPanel({ plan }: { plan: PlanState }) {
  if (plan.state === 'idle') return <p class="hint">The timeline appears once the spec is valid.</p>;
  if (plan.state === 'refused') {
    // The API's text names every field at fault, one per line.
    return (
      <p class="problem" role="alert">
        {plan.message}
      </p>
    );
  }
  if (plan.state === 'planning')
    return (
      <p class="hint" aria-busy="true">
        Planning…
      </p>
    );
  return <TimelineView plan={plan.plan} />;
}

/** The dry run (POST /plan) of the spec, half a second after the last change, the older one aborted. */
function useDryRun(
  session: Session,
  spec: JobSpec | undefined,
  text: string,
  setPlan: (plan: PlanState) => void,
) {
  useEffect(() => {
    if (!spec) {
      setPlan({ state: 'idle' });
      return;
    }
    const abort = new AbortController();
    const timer = setTimeout(async () => {
      setPlan({ state: 'planning' });
      try {
        setPlan({ state: 'planned', plan: await clientFor(session).plan(spec, { signal: abort.signal }) });
      } catch (error) {
        if (abort.signal.aborted) return;
        setPlan({ state: 'refused', message: (error as Error).message });
      }
    }, 500);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [text, session]);
}
