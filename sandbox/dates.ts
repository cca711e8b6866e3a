// Calendar dates as the simulators read them: the sources speak China time (UTC+8, no DST).
const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** Epoch ms of 00:00 China time on a `YYYY-MM-DD` date; NaN when not a real date. */
export function chinaDayStart(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return Number.NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return Number.NaN;
  return ms - CHINA_OFFSET_MS;
}
