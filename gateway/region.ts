// Region scope (workflow.md "Roles and scope"): a user's region is an area-code prefix and it
// sees and acts only on what lies inside it. Whatever has no county of its own lies in the
// area of its channel.
import { REGION_PATTERN } from '../schemas/access.ts';

const REGION = new RegExp(REGION_PATTERN);

export function isRegion(value: unknown): value is string {
  return typeof value === 'string' && REGION.test(value);
}

/** `area` (a county code, a city code or `44`) lies inside `region`: `440106` and `4401` lie inside `4401`; `44` does not. */
export function inRegion(region: string, area: string): boolean {
  return area.startsWith(region);
}

/** The area a channel belongs to: `police-4401` → `4401`; the province-wide channels → `44`. */
export function channelArea(channel: string): string {
  const m = /^police-(\d{4})$/.exec(channel);
  return m ? m[1] : '44';
}

/** The 6-digit area codes a region prefix covers, as an inclusive range (area codes are 6 digits). */
export function areaRange(region: string): { from: string; to: string } {
  return { from: region.padEnd(6, '0'), to: region.padEnd(6, '9') };
}
