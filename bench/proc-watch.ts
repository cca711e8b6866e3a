// The /proc sampler of the month benchmarks (bench/month.ts, bench/month-workers.ts): CPU time
// and peak RSS of named processes and of the PostgreSQL backends serving one database, every
// 200 ms; marks split the CPU time into phases.
import fs from 'node:fs';
import pg from 'pg';
import type { ProcessFigures } from './month-report.ts';

const TICK = 100; // USER_HZ: /proc reports CPU time in clock ticks of 1/100 s on Linux

export interface ProcSample {
  cpuSeconds: number;
  peakRssKiB: number;
}

export function readProc(pid: number): ProcSample | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name may hold spaces: fields are counted after its closing parenthesis
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICK;
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /VmHWM:\s+(\d+)/.exec(status);
    return { cpuSeconds, peakRssKiB: hwm ? Number(hwm[1]) : 0 };
  } catch {
    return null; // gone
  }
}

/**
 * Samples the CPU time and peak RSS of named processes and of the PostgreSQL backends serving
 * one database, every 200 ms; marks split the CPU time into phases.
 */
export class ProcessWatch {
  private readonly pids = new Map<number, { role: string; last: ProcSample; atMark: number }>();
  private readonly fixed = new Map<number, string>();
  private timer: NodeJS.Timeout | null = null;
  private readonly client: pg.Client;
  private readonly phases: Record<string, Record<string, number>> = {};
  private polling = false;

  private readonly database: string;

  constructor(adminUrl: string, database: string) {
    this.client = new pg.Client({ connectionString: adminUrl });
    this.database = database;
  }

  async start(): Promise<void> {
    await this.client.connect();
    this.timer = setInterval(() => void this.sample(), 200);
  }

  watch(pid: number, role: string): void {
    this.fixed.set(pid, role);
  }

  async sample(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const { rows } = await this.client.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [this.database]);
      const all = new Map<number, string>(this.fixed);
      for (const r of rows) all.set(r.pid, 'postgres');
      for (const [pid, role] of all) {
        const s = readProc(pid);
        if (!s) continue;
        const known = this.pids.get(pid);
        // an exited process not yet reaped still has its stat but no VmHWM: never lower a figure
        if (known) known.last = { cpuSeconds: Math.max(known.last.cpuSeconds, s.cpuSeconds), peakRssKiB: Math.max(known.last.peakRssKiB, s.peakRssKiB) };
        else this.pids.set(pid, { role, last: s, atMark: 0 });
      }
    } catch {
      // a sample missed is a sample missed
    } finally {
      this.polling = false;
    }
  }

  /** CPU seconds per role since the previous mark, filed under `phase`. */
  async mark(phase: string): Promise<void> {
    // a sample under way may have started before the last process was watched: take a fresh one
    while (this.polling) await new Promise((r) => setTimeout(r, 5));
    await this.sample();
    const totals: Record<string, number> = {};
    for (const p of this.pids.values()) {
      totals[p.role] = (totals[p.role] ?? 0) + p.last.cpuSeconds - p.atMark;
      p.atMark = p.last.cpuSeconds;
    }
    this.phases[phase] = totals;
  }

  figures(): ProcessFigures {
    const peaks: Record<string, number> = {};
    const cpu: Record<string, number> = {};
    let backends = 0;
    for (const p of this.pids.values()) {
      peaks[p.role] = Math.max(peaks[p.role] ?? 0, p.last.peakRssKiB);
      cpu[p.role] = (cpu[p.role] ?? 0) + p.last.cpuSeconds;
      if (p.role === 'postgres') backends += 1;
    }
    return { peakRssKiB: peaks, cpuSeconds: cpu, phases: this.phases, postgresBackends: backends };
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    while (this.polling) await new Promise((r) => setTimeout(r, 20));
    await this.client.end().catch(() => undefined);
  }
}

/**
 * Resets a process's peak RSS (VmHWM) to its current RSS (Linux: `5` into clear_refs), so that a
 * process serving several measured runs, as the sandbox of `--workers`, shows each run's own
 * peak. False when the kernel refused (another user's process, no /proc).
 */
export function resetPeakRss(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
