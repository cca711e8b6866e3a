// The part of Node-RED's node API the lifecert nodes use, typed (Node-RED ships no types of
// its own). A node module's default export is `(RED: NodeAPI) => void`.
import type { Db } from '../../pipeline/index.ts';
import type { Logger } from '../../lib/log.ts';

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

/** A message: `payload` and whatever else the flow carries. */
export interface NodeMessage {
  _msgid?: string;
  payload?: unknown;
  topic?: string;
  [key: string]: unknown;
}

export type Send = (msg: NodeMessage | null | (NodeMessage | null)[] | (NodeMessage | null)[][]) => void;
export type Done = (err?: Error) => void;

export interface Node<C = Record<string, string | undefined>> {
  id: string;
  type: string;
  name?: string;
  credentials: C;
  on(event: 'input', handler: (msg: NodeMessage, send: Send, done: Done) => void | Promise<void>): void;
  on(event: 'close', handler: (removed: boolean, done: () => void) => void): void;
  send: Send;
  status(status: NodeStatus | Record<string, never>): void;
  log(msg: unknown): void;
  warn(msg: unknown): void;
  error(msg: unknown, m?: NodeMessage): void;
}

/** What `lifecert serve` hands its embedded Node-RED in `settings.lifecert`. */
export interface LifecertRuntime {
  /** the hub's own mirror, shared by every node whose mirror configuration says so */
  db?: Db;
  /** Redis of the scheduler trigger (default REDIS_URL, else redis://127.0.0.1:6379) */
  redisUrl?: string;
  /** BullMQ prefix, the installation's (LIFECERT_QUEUE_PREFIX) */
  queuePrefix?: string;
  /** where the nodes log (the hub's logger) */
  log?: Logger;
}

export interface NodeAPI {
  nodes: {
    createNode(node: object, config: object): void;
    registerType(type: string, ctor: (this: never, config: never) => void, options?: { credentials?: Record<string, { type: 'text' | 'password' }>; settings?: Record<string, unknown> }): void;
    getNode(id: string): unknown;
    /** every deployed node's configuration (config nodes included) */
    eachNode(cb: (config: { id: string; type: string }) => void): void;
  };
  settings: { lifecert?: LifecertRuntime } & Record<string, unknown>;
  util: { cloneMessage<T>(msg: T): T; evaluateNodeProperty(value: string, type: string, node: unknown, msg: NodeMessage): unknown };
  _(key: string, substitutions?: Record<string, string | number>): string;
}
