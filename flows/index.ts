// What the hub needs to embed the lifecert nodes: where the package that declares them is
// (package.json → node-red, its examples/ folder), and the settings the nodes read.
import path from 'node:path';

export type { LifecertRuntime } from './nodes/red.ts';

/** The lifecert package: its package.json declares the nodes under flows/nodes/. */
export const NODES_PACKAGE_DIR = path.resolve(import.meta.dirname, '..');

/** The shipped flows. */
export const SHIPPED_FLOWS = {
  standardMonthly: path.join(import.meta.dirname, 'standard-monthly.json'),
  newCitySource: path.join(import.meta.dirname, 'new-city-source.json'),
} as const;
