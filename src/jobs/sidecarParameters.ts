// The job's parameters in the API's own spelling, as sidecars and logs record them.
import { SIZE_KEY } from '../api/schemas';
import { JobRecord } from './job';

/** The parameters as a sidecar records them, in the API's own spelling. */
export function sidecarParameters(job: JobRecord): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  if (job.options.size !== undefined) p[SIZE_KEY] = job.options.size;
  if (job.options.scale !== undefined) p.scale = job.options.scale;
  if (job.options.forceSingle !== undefined) p.force_single = job.options.forceSingle;
  return p;
}

