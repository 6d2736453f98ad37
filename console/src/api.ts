import { AutoVidClient, UPLOAD_CONTENT_TYPES, type UploadContentType } from '../../client/src/client.ts';
import type { Session, UploadedAsset } from './session.ts';

export { AutoVidError } from '../../client/src/errors.ts';

/** The typed client, on the session's URL and key. */
export function clientFor(session: Session): AutoVidClient {
  return new AutoVidClient({ baseUrl: session.apiUrl, apiKey: session.apiKey, retries: 1 });
}

/** What the API takes; the browser's own type of a file wins when it is one of these. */
const ACCEPTED = new Set<string>([...Object.values(UPLOAD_CONTENT_TYPES), 'audio/x-wav', 'audio/webm']);

/** The upload type of a file, or undefined when the API takes no such file. */
export function uploadTypeOf(file: { name: string; type: string }): UploadContentType | undefined {
  if (ACCEPTED.has(file.type)) return file.type as UploadContentType;
  const extension = /\.([A-Za-z0-9]+)$/.exec(file.name)?.[1]?.toLowerCase() ?? '';
  return UPLOAD_CONTENT_TYPES[extension];
}

/** A name POST /uploads accepts: letters, digits, dot, dash, underscore and space, 200 at most. */
export function uploadNameOf(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._ -]/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  return (cleaned || 'file').slice(-200);
}

/**
 * One file to the bucket: its presigned PUT from the client, then the PUT itself with
 * XMLHttpRequest, whose upload events give the progress (fetch has none for a request body).
 */
export async function uploadWithProgress(
  session: Session,
  file: File,
  contentType: UploadContentType,
  onProgress: (fraction: number) => void,
): Promise<UploadedAsset> {
  const name = uploadNameOf(file.name);
  const [upload] = await clientFor(session).requestUploads([{ name, contentType, size: file.size }]);
  if (!upload) throw new Error('POST /uploads answered no upload URL');
  await new Promise<void>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', upload.uploadUrl);
    // Content-Length is the browser's to set (the file's size, which the URL signs).
    for (const [header, value] of Object.entries(upload.headers)) {
      if (header.toLowerCase() !== 'content-length') request.setRequestHeader(header, String(value));
    }
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () =>
      request.status >= 200 && request.status < 300
        ? resolve()
        : reject(new Error(`The upload of ${name} was refused: HTTP ${request.status}`));
    request.onerror = () => reject(new Error(`The upload of ${name} got no answer`));
    request.send(file);
  });
  onProgress(1);
  return { name: upload.name, source: upload.source, contentType, size: file.size };
}
