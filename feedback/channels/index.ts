// Each configured connector's feedback interface, by channel. The connectors (built from the
// configuration by config/ in cli/ and jobs/) own transport, signing, tokens and retries; these
// adapters only put items into each department's own field names.
import type { Connector } from '../../connectors/kit/connector.ts';
import type { BigdataConnector } from '../../connectors/bigdata/connector.ts';
import type { CivilConnector } from '../../connectors/civil/connector.ts';
import type { HealthConnector } from '../../connectors/health/connector.ts';
import type { MinistryConnector } from '../../connectors/ministry/connector.ts';
import type { PoliceConnector } from '../../connectors/police/connector.ts';
import { defaultRegistry } from '../../connectors/registry.ts';
import type { SourceRegistry } from '../../connectors/registry.ts';
import { chinaDate } from '../../lib/china-time.ts';
import { civilChannel } from './civil.ts';
import { ministryChannel } from './ministry.ts';
import { bigdataChannel, healthChannel, policeChannel } from './rest.ts';
import type { FeedbackChannel } from './wire.ts';

export type { FeedbackChannel, ItemToSend } from './wire.ts';

export interface ChannelOptions {
  registry?: SourceRegistry;
  /** epoch ms: the civil outbox file's date (default Date.now) */
  now?: () => number;
}

/** The feedback channel of every connector whose source has one, keyed by channel. */
export function feedbackChannels(connectors: readonly Connector[], options: ChannelOptions = {}): Map<string, FeedbackChannel> {
  const registry = options.registry ?? defaultRegistry;
  const now = options.now ?? Date.now;
  const out = new Map<string, FeedbackChannel>();
  for (const c of connectors) {
    const source = registry.sourceOf(c.channel)?.name;
    const channel =
      source === 'ministry' ? ministryChannel(c as MinistryConnector)
      : source === 'bigdata' ? bigdataChannel(c as BigdataConnector)
      : source === 'police' ? policeChannel(c as PoliceConnector)
      : source === 'health' ? healthChannel(c as HealthConnector)
      : source === 'civil' ? civilChannel(c as CivilConnector, () => chinaDate(now()))
      : null;
    if (channel !== null) out.set(c.channel, channel);
  }
  return out;
}
