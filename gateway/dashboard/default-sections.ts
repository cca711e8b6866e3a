// The dashboard's sections in page order: the service's (connector health, runs, decisions,
// rejections, queues), then the feedback loop's (feedback backlog, cases, adoption, batches).
import { LOOP_SECTIONS } from './loop-sections.ts';
import { SERVICE_SECTIONS } from './sections.ts';
import type { DashboardSection } from './sections.ts';

export const DEFAULT_SECTIONS: readonly DashboardSection[] = [...SERVICE_SECTIONS, ...LOOP_SECTIONS];
