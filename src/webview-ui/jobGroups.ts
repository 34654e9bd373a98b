// The Jobs list's rows: jobs in their order, a batch's jobs gathered under one heading where its newest job stands.
import { isActive } from '../jobs/rules';
import type { JobView } from '../protocol/messages';

export type JobRow =
  { kind: 'job'; key: string; job: JobView; inBatch: boolean } | { kind: 'batch'; key: string; id: string; label: string; count: number; active: number };

export function jobRows(sorted: readonly JobView[]): JobRow[] {
  const members = new Map<string, JobView[]>();
  for (const job of sorted) if (job.batch) members.set(job.batch.id, [...(members.get(job.batch.id) ?? []), job]);
  const rows: JobRow[] = [];
  const placed = new Set<string>();
  for (const job of sorted) {
    if (!job.batch) {
      rows.push({ kind: 'job', key: job.id, job, inBatch: false });
      continue;
    }
    if (placed.has(job.batch.id)) continue;
    placed.add(job.batch.id);
    const jobs = members.get(job.batch.id) ?? [];
    rows.push({
      kind: 'batch',
      key: `batch:${job.batch.id}`,
      id: job.batch.id,
      label: job.batch.label,
      count: jobs.length,
      active: jobs.filter(isActive).length,
    });
    for (const member of jobs) rows.push({ kind: 'job', key: member.id, job: member, inBatch: true });
  }
  return rows;
}
