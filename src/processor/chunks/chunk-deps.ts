import type { ScratchFiles } from '../../jobs/scratch-files.ts';
import type { ProcessDeps } from '../process-job.ts';

/** What a chunk encoder is wired with: the processor's ports (it may finish the job) and the scratch. */
export interface ChunkDeps extends Omit<ProcessDeps, 'render' | 'chunking'> {
  readonly scratch: ScratchFiles;
  /** Where burned-in captions' fonts are read from (`DEFAULT_FONTS_DIRECTORY` when not given). */
  readonly fontsDirectory?: string;
}
