import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A secret of the local stack (its API key, its webhook signing secret): the value given, else the
 * one kept in `<dataDir>/<fileName>`, else a new one from `create`, kept there readable only by its
 * owner, so clients configured once keep working across restarts.
 */
export async function loadKeptSecret(
  dataDir: string,
  fileName: string,
  given: string | undefined,
  create: () => string,
): Promise<string> {
  if (given) return given;
  const path = join(dataDir, fileName);
  if (existsSync(path)) return (await readFile(path, 'utf8')).trim();
  const secret = create();
  await writeFile(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}
