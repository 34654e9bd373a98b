// The chat tool's answer to the model: the outcome in the words `runcomfy.edit` with `wait: true` uses, and what to do next.
import { MAX_IMAGES, MAX_PROMPT_LENGTH, SIZE_OPTIONS } from '../api/model';
import { formatUsd } from '../common/wording';
import type { EditOutcome } from '../jobs/outcome';
import type { RefusalReason } from '../commands/editFlow';

// Written in English on purpose: the reader is a language model, and the status words must stay literal.

/** What happened when the chat turn was stopped while the tool waited. */
export type Stop =
  /** Before anything was sent: nothing exists at RunComfy. */
  | 'notSent'
  /** The job was queued and RunComfy cancelled it (the outcome says `cancelled`). */
  | 'cancelled'
  /** The job already ran (or RunComfy refused to cancel it): it goes on, is billed and saved. */
  | 'running'
  /** RunComfy's answer to the cancel did not arrive: the job is still tracked. */
  | 'unknown';

export interface ReportFacts {
  /** The outcome, once there is one. */
  outcome?: EditOutcome;
  requestId?: string;
  /** What RunComfy charged, in USD, when it said. */
  cost?: number;
  outputCount?: number;
  /** Where the results are (or will be) saved. */
  outputFolder: string;
  stop?: Stop;
  /** Result images attached to the answer as image parts. */
  attached: number;
  /** Why the (other) result images are not attached. */
  notAttached?: string;
}

const NEXT_STEP: Record<EditOutcome['status'], string> = {
  succeeded: 'RunComfy finished the edit and every result is saved in the workspace at the paths above.',
  saveFailed:
    'RunComfy finished (and billed) the edit, but not every result could be saved. Do not call this tool again for the same edit: the user can use "Retry Download" in the RunComfy job list, or the command runcomfy.resume with the request_id, which fetch the results without a new paid submit.',
  failed:
    'RunComfy reported that the edit failed; nothing was saved. If the error says what was wrong with the input, fix it before calling again: a new call is a new paid submit.',
  cancelled: 'The job was cancelled while it was queued; nothing was saved or billed.',
  submissionUnknown:
    'The submit was sent but its answer was lost, so the job may exist and be billed. Do not call this tool again for this edit: ask the user to look for the job on their RunComfy dashboard and use "RunComfy: Resume by Request ID".',
  stalled:
    "The job's state could not be read for a while. The extension keeps tracking it and saves its results when it can read them; do not submit the edit again.",
};

const STOP_NOTE: Record<Stop, string> = {
  notSent: 'The chat turn was stopped before anything was sent to RunComfy; nothing was charged.',
  cancelled: 'The chat turn was stopped while the job was queued, so it was cancelled at RunComfy.',
  running:
    'The chat turn was stopped, but the job was already running at RunComfy, where a running job cannot be cancelled. It goes on, is billed, and its results are saved to the output folder when it finishes (the RunComfy job list shows it).',
  unknown:
    'The chat turn was stopped and RunComfy was asked to cancel the queued job, but its answer did not arrive. The job is still tracked; if it runs, its results are saved to the output folder.',
};

export function outcomeReport(facts: ReportFacts): string {
  const { outcome } = facts;
  const lines: string[] = [];
  const status = outcome?.status ?? (facts.stop === 'notSent' ? 'cancelled' : facts.stop === 'running' ? 'running' : 'queued');
  lines.push(`status: ${status}`);
  const requestId = outcome?.requestId ?? facts.requestId;
  if (requestId) lines.push(`request_id: ${requestId}`);
  if (facts.stop !== 'notSent') lines.push(`cost: ${costLine(facts)}`);
  const files = outcome?.files ?? [];
  if (files.length > 0) {
    lines.push('saved files (absolute paths):');
    for (const file of files) lines.push(`- ${file}`);
  } else if (outcome?.status !== 'cancelled' && facts.stop !== 'notSent') {
    lines.push(`saved files: none yet (output folder: ${facts.outputFolder})`);
  }
  if (outcome?.error) lines.push(`error: ${outcome.error}`);
  if (facts.stop) lines.push(STOP_NOTE[facts.stop]);
  if (outcome && !(facts.stop === 'cancelled' && outcome.status === 'cancelled')) lines.push(NEXT_STEP[outcome.status]);
  if (facts.attached > 0) {
    lines.push(facts.attached === 1 ? 'The result image is attached below.' : `The first ${facts.attached} result images are attached below.`);
  }
  if (facts.notAttached) lines.push(facts.notAttached);
  return lines.join('\n');
}

function costLine(facts: ReportFacts): string {
  if (facts.cost === undefined) return facts.outcome?.status === 'cancelled' ? '$0.00' : 'not reported by RunComfy yet';
  const outputs = facts.outputCount;
  return outputs ? `${formatUsd(facts.cost)} for ${outputs} output image${outputs === 1 ? '' : 's'}` : formatUsd(facts.cost);
}

const LIMITS = `Limits: 1 to ${MAX_IMAGES} images (workspace-relative or absolute paths, file: URIs or https URLs), a prompt of at most ${MAX_PROMPT_LENGTH} characters, size one of ${SIZE_OPTIONS.join(', ')}, scale from 0 to 1, forceSingle true or false, fit one of auto, pad, crop, off.`;

const REFUSAL_HINT: Record<RefusalReason, string> = {
  input: `Change the input as the error says, then call the tool again. ${LIMITS}`,
  token: 'The user has to set a RunComfy API token first (command "RunComfy: Set API Token"). Tell them; do not call the tool again until they have.',
  submit:
    'RunComfy refused the request. Do not repeat the same call unless the error says the problem is temporary or the user has fixed it (for example, topped up their balance or changed the input).',
};

/** An answer that says what was wrong and what to change; nothing was sent and nothing was charged. */
export function refusalReport(reason: RefusalReason, message: string): string {
  const spent = reason === 'submit' ? 'RunComfy created no job and charged nothing.' : 'Nothing was sent to RunComfy and nothing was charged.';
  return [`error: ${message}`, spent, REFUSAL_HINT[reason]].join('\n');
}
