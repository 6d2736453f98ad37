import { useState } from 'preact/hooks';
import { uploadTypeOf, uploadWithProgress } from './api.ts';
import { formatBytes } from './format.ts';
import type { Session, UploadedAsset } from './session.ts';

interface Transfer {
  readonly key: string;
  readonly name: string;
  fraction: number;
  state: 'uploading' | 'done' | 'failed';
  message?: string;
}

/** Drop (or pick) media: each file goes to its own presigned PUT, with a progress bar per file. */
export function UploadsPage(props: {
  session: Session;
  uploads: readonly UploadedAsset[];
  onUploaded: (added: UploadedAsset[]) => void;
}) {
  const [transfers, setTransfers] = useState<Transfer[]>([]);
  const [over, setOver] = useState(false);
  const update = (key: string, change: Partial<Transfer>) =>
    setTransfers((all) => all.map((t) => (t.key === key ? { ...t, ...change } : t)));
  const start = (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      const key = `${file.name}-${file.size}-${Math.random()}`;
      const contentType = uploadTypeOf(file);
      const transfer: Transfer = { key, name: file.name, fraction: 0, state: 'uploading' };
      if (!contentType) {
        transfer.state = 'failed';
        transfer.message =
          'Not a media type the API takes (mp4, mov, webm, mkv, mp3, m4a, aac, wav, ogg, flac).';
      }
      setTransfers((all) => [transfer, ...all]);
      if (!contentType) continue;
      uploadWithProgress(props.session, file, contentType, (fraction) => update(key, { fraction }))
        .then((uploaded) => {
          update(key, { state: 'done', fraction: 1 });
          props.onUploaded([uploaded]);
        })
        .catch((error: Error) => update(key, { state: 'failed', message: error.message }));
    }
  };
  return (
    <section aria-labelledby="uploads-title">
      <h1 id="uploads-title">Uploads</h1>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping is a pointer gesture; the file picker inside is the keyboard way in */}
      <div
        class={`dropzone${over ? ' over' : ''}`}
        data-testid="dropzone"
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(event) => {
          event.preventDefault();
          setOver(false);
          start(event.dataTransfer?.files ?? null);
        }}
      >
        <p>Drop video and audio files here, or</p>
        <label class="button" for="file-picker">
          Choose files
        </label>
        <input
          id="file-picker"
          class="visually-hidden"
          type="file"
          multiple
          accept="video/*,audio/*"
          onChange={(event) => start(event.currentTarget.files)}
        />
      </div>
      {transfers.length > 0 && (
        <ul class="transfers" aria-label="Transfers">
          {transfers.map((t) => (
            <li key={t.key} data-state={t.state}>
              <span class="name">{t.name}</span>
              <progress max={1} value={t.fraction} aria-label={`Upload of ${t.name}`} />
              <span class="state" aria-live="polite">
                {t.state === 'uploading'
                  ? `${Math.round(t.fraction * 100)} %`
                  : t.state === 'done'
                    ? 'uploaded'
                    : t.message}
              </span>
            </li>
          ))}
        </ul>
      )}
      <h2>Uploaded files</h2>
      {props.uploads.length === 0 ? (
        <p class="hint">Nothing uploaded from this browser yet.</p>
      ) : (
        <table class="uploaded">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Source for a spec</th>
              <th scope="col">Size</th>
            </tr>
          </thead>
          <tbody>
            {props.uploads.map((u) => (
              <tr key={u.source}>
                <td>{u.name}</td>
                <td>
                  <code>{u.source}</code>{' '}
                  <button
                    type="button"
                    class="quiet"
                    aria-label={`Copy the source of ${u.name}`}
                    onClick={() => navigator.clipboard?.writeText(u.source)}
                  >
                    Copy
                  </button>
                </td>
                <td>{formatBytes(u.size)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
