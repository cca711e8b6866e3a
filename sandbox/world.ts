// The sandbox world file (sandbox.md, world.schema.json): the roster and what each source
// system holds, records written exactly as the source would send them.
import type { RosterEntry } from '../schemas/types.ts';

export type SourceRow = Record<string, string>;

export interface CivilFile {
  /** `HH_<areaCode6>_<YYYYMMDD>.csv` */
  name: string;
  encoding: 'gbk' | 'utf8-bom';
  /** false: written without its `.ok` marker (still being transferred) */
  complete?: boolean;
  /** the CSV text, never with a BOM */
  text: string;
}

export interface WorldFaults {
  ministry?: { busyEveryNthCall?: number };
  bigdata?: { rateLimitEveryNthCall?: number; unavailableEveryNthCall?: number };
  police?: { tokenTtlSeconds?: number; lateItems?: Record<string, SourceRow[]> };
  health?: { htmlErrorEveryNthCall?: number };
  civil?: Record<string, unknown>;
}

export interface World {
  worldVersion: 1;
  period: string;
  asOf: string;
  roster: RosterEntry[];
  sources: {
    ministry?: Partial<Record<'DEATH' | 'BENEFIT' | 'AUTH' | 'TRAVEL' | 'MEDICAL' | 'PRISON' | 'OVERSEAS', SourceRow[]>>;
    bigdata?: Partial<Record<'hukou' | 'death' | 'cremation' | 'prison', SourceRow[]>>;
    /** keyed by 4-digit city code */
    police?: Record<string, SourceRow[]>;
    civil?: CivilFile[];
    health?: Partial<Record<'death-certificates' | 'vaccinations' | 'checkups', SourceRow[]>>;
  };
  faults?: WorldFaults;
}

export const MINISTRY_DATASETS = ['DEATH', 'BENEFIT', 'AUTH', 'TRAVEL', 'MEDICAL', 'PRISON', 'OVERSEAS'] as const;
export const BIGDATA_DATASETS = ['hukou', 'death', 'cremation', 'prison'] as const;
export const HEALTH_DATASETS = ['death-certificates', 'vaccinations', 'checkups'] as const;
export const POLICE_DATASET = 'hukou';
export const CIVIL_DATASET = 'cremation';

/** Sandbox credentials: configured in the hub like real ones. */
export const SANDBOX_CREDENTIALS = {
  ministry: { username: 'lifecert', password: 'sandbox-ministry-password' },
  bigdata: { appId: 'lifecert-hub', appSecret: 'sandbox-bigdata-secret' },
  police: { clientId: 'lifecert-hub', clientSecret: 'sandbox-police-secret' },
  health: { apiKey: 'sandbox-health-api-key' },
  provincial: { appId: 'lifecert-provincial', appSecret: 'sandbox-provincial-secret' },
} as const;
