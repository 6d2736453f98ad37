import { useRef, useState } from 'preact/hooks';
import type { UploadedAsset } from '../session.ts';
import { applyCompletion, type Completion, completionAt } from './completion.ts';
import type { Diagnostic } from './diagnostics.ts';

/**
 * The JSON editor: a plain textarea (the browser's own editing, undo and accessibility) with line
 * numbers, each problem marked at its line and listed with the API's text, and a list of
 * completions for asset ids and uploaded sources (arrows to choose, Enter or Tab to take, Escape).
 */
export function SpecEditor(props: {
  text: string;
  onChange: (text: string) => void;
  diagnostics: readonly Diagnostic[];
  uploads: readonly UploadedAsset[];
}) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const [completion, setCompletion] = useState<Completion>();
  const [chosen, setChosen] = useState(0);
  const lineCount = props.text.split('\n').length;
  const errorLines = new Set(props.diagnostics.map((d) => d.line));
  const suggest = () => {
    const element = area.current;
    if (!element || element.selectionStart !== element.selectionEnd) return setCompletion(undefined);
    const sources = props.uploads.map((upload) => upload.source);
    setCompletion(completionAt(element.value, element.selectionStart, sources));
    setChosen(0);
  };
  const take = (option: string) => {
    if (!completion) return;
    const text = applyCompletion(props.text, completion, option);
    props.onChange(text);
    setCompletion(undefined);
    const caret = completion.from + option.length;
    requestAnimationFrame(() => area.current?.setSelectionRange(caret, caret));
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (!completion) return;
    const count = completion.options.length;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setChosen((chosen + (event.key === 'ArrowDown' ? 1 : count - 1)) % count);
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      take(completion.options[chosen] as string);
    } else if (event.key === 'Escape') {
      setCompletion(undefined);
    }
  };
  const goTo = (line: number) => {
    const element = area.current;
    if (!element) return;
    const offset =
      props.text
        .split('\n')
        .slice(0, line - 1)
        .join('\n').length + (line > 1 ? 1 : 0);
    element.focus();
    element.setSelectionRange(offset, offset);
  };
  return (
    <div class="spec-editor">
      <label for="spec-text">Job specification (JSON)</label>
      <div class="editor-frame">
        <div class="gutter" ref={gutter} aria-hidden="true">
          {Array.from({ length: lineCount }, (_, i) => (
            <div data-line={i + 1} class={errorLines.has(i + 1) ? 'error' : undefined}>
              {i + 1}
            </div>
          ))}
        </div>
        <textarea
          id="spec-text"
          ref={area}
          spellcheck={false}
          autocomplete="off"
          wrap="off"
          aria-invalid={props.diagnostics.length > 0}
          aria-describedby="spec-problems"
          aria-autocomplete="list"
          aria-controls="spec-completion"
          aria-activedescendant={completion ? `completion-${chosen}` : undefined}
          value={props.text}
          onInput={(event) => {
            props.onChange(event.currentTarget.value);
            suggest();
          }}
          onClick={suggest}
          onKeyDown={onKeyDown}
          onKeyUp={(event) => {
            if (event.key.startsWith('Arrow') && !completion) suggest();
          }}
          onBlur={() => setTimeout(() => setCompletion(undefined), 150)}
          onScroll={(event) => {
            if (gutter.current) gutter.current.scrollTop = event.currentTarget.scrollTop;
          }}
        />
      </div>
      <div
        id="spec-completion"
        role="listbox"
        aria-label="Completions"
        class="completion"
        hidden={!completion}
      >
        {completion?.options.map((option, index) => (
          <div
            id={`completion-${index}`}
            role="option"
            tabIndex={-1}
            aria-selected={index === chosen}
            onMouseDown={(event) => {
              event.preventDefault();
              take(option);
            }}
          >
            {option}
          </div>
        ))}
      </div>
      <div id="spec-problems" aria-live="polite">
        {props.diagnostics.length > 0 && (
          <ul class="diagnostics" aria-label="Problems">
            {props.diagnostics.map((d) => (
              <li data-line={d.line}>
                <button type="button" class="link" onClick={() => goTo(d.line)}>
                  Line {d.line}
                </button>
                : {d.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
