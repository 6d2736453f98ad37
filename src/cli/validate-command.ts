import { readFile } from 'node:fs/promises';
import { validateJobSpec } from '@auto-vid/shared';

interface Output {
  write(text: string): unknown;
}

/**
 * `auto-vid validate <spec.json>`: prints `valid` (exit 0), the contract's error text (exit 1),
 * `Invalid JSON: <reason>` (exit 1), or an I/O error (exit 2).
 */
export async function runValidateCommand(
  specPath: string,
  io: { out: Output; err: Output },
): Promise<number> {
  let text: string;
  try {
    text = await readFile(specPath, 'utf8');
  } catch (error) {
    io.err.write(`Cannot read ${specPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
    return 2;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    io.err.write(`Invalid JSON: ${(error as Error).message}\n`);
    return 1;
  }
  const result = validateJobSpec(json);
  if (!result.ok) {
    io.err.write(`${result.error.message}\n`);
    return 1;
  }
  io.out.write('valid\n');
  return 0;
}
