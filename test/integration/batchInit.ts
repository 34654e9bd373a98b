// The batch a test starts over the images of one scratch folder, built as the batch command builds it.
import { expandSources, labelOf, newBatchFolder, relativeSource } from '../../src/batch/sources';
import type { BatchInit } from '../../src/batch/runner';
import { resultsDir, workspacePath } from './support';

export async function scratchBatch(folder: string, prompt: string, how: Pick<BatchInit, 'origin' | 'concurrency'>): Promise<BatchInit> {
  const found = await expandSources([workspacePath('scratch', folder)]);
  return {
    ...how,
    prompt,
    options: { size: '1024x1024(1:1)', scale: 0.5, forceSingle: true },
    fit: { mode: 'auto', stripMetadata: true },
    references: [],
    root: found.root,
    folder: await newBatchFolder(resultsDir(), labelOf(found.root), new Date()),
    label: labelOf(found.root),
    items: found.files.map((source) => ({ source, relative: relativeSource(found.root, source) })),
  };
}
