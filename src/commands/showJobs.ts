// runcomfy.showJobs: the live job list.
import { showJobsQuickPick } from '../ui/jobsQuickPick';
import type { CommandContext } from './context';

export function showJobsCommand(ctx: CommandContext) {
  return (): Promise<void> => showJobsQuickPick(ctx.services.jobs, ctx.services.spending);
}
