// Where pasted and dropped image bytes are saved: the inputs/ subfolder of the output folder, which must stay where results may go.
import * as path from 'node:path';
import { INPUTS_FOLDER, type ImportedBytes, saveImportedImage } from '../panel/importedImages';
import { outputFolderFor } from '../platform/config';
import type { JobsService } from '../platform/jobsService';

export async function importIntoOutputFolder(item: ImportedBytes, jobs: Pick<JobsService, 'outputFolderProblem'>): Promise<string> {
  const place = outputFolderFor(undefined);
  const inputs = { outputDir: path.join(place.outputDir, INPUTS_FOLDER), outputRoot: place.outputRoot };
  // The same check results pass: a committed symlink must not carry the user's clipboard out of the workspace.
  const problem = await jobs.outputFolderProblem(inputs);
  if (problem) throw new Error(problem);
  return saveImportedImage(inputs.outputDir, item, new Date());
}
