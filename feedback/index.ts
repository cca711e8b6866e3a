// What the Node-RED nodes (flows/) use of the feedback loop: the delivery of PENDING feedback
// items over each department's own interface — the same functions the queue jobs, the demo and
// `lifecert run --steps …,feedback` call.
export { deliverChannel, deliverPending, DELIVERY_WINDOW_MS } from './deliver.ts';
export type { DeliverOptions, DeliveryResult } from './deliver.ts';
export { feedbackChannels } from './channels/index.ts';
export type { FeedbackChannel } from './channels/index.ts';
export { storeRejectedFeedback } from './deliver-rejected.ts';
