// What a worker reports as it works: the command prints these as JSON lines (and a parent
// process that forked it hears them over IPC). They carry ids, channels, datasets and counts,
// never a record, an identity number or a name.
import type { PullCounts } from '../schemas/types.ts';

export type WorkerEvent =
  | { type: 'ready'; pid: number; queues: string[] }
  | { type: 'job-started'; queue: string; jobId: string; name: string; runId: string; task: string }
  | { type: 'page'; runId: string; channel: string; dataset: string; seq: number; totals: PullCounts }
  | { type: 'job-completed'; queue: string; jobId: string; name: string; runId: string; task: string }
  /** the job went back to the queue without failing: shutdown, or its dataset is being pulled by another job */
  | { type: 'job-requeued'; queue: string; jobId: string; runId: string; task: string; reason: 'shutdown' | 'dataset-busy' }
  | { type: 'job-failed'; queue: string; jobId: string; runId: string; task: string; code: string; message: string; final: boolean }
  | { type: 'stalled'; queue: string; jobId: string }
  | { type: 'error'; message: string }
  | { type: 'closing' }
  | { type: 'closed' };
