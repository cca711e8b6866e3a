// Streaming JSON writer: the same bytes as JSON.stringify(value), written in chunks so that a
// 200,000-person world never has to exist as one string in memory.
import { closeSync, openSync, writeSync } from 'node:fs';

const CHUNK = 1 << 20;

export function writeJsonFile(path: string, value: unknown): void {
  const fd = openSync(path, 'w');
  let buffer = '';
  const emit = (text: string): void => {
    buffer += text;
    if (buffer.length >= CHUNK) {
      writeSync(fd, buffer);
      buffer = '';
    }
  };
  try {
    serialize(value, emit);
    writeSync(fd, buffer);
  } finally {
    closeSync(fd);
  }
}

/** Depth-first, with JSON.stringify's rules for what is left out. */
function serialize(value: unknown, emit: (text: string) => void): void {
  if (Array.isArray(value)) {
    emit('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) emit(',');
      const item: unknown = value[i];
      if (item === undefined || typeof item === 'function') emit('null');
      else serialize(item, emit);
    }
    emit(']');
    return;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    // flat records (every field a string or number) go through the native serializer in one step
    if (entries.every(([, v]) => typeof v === 'string' || typeof v === 'number')) {
      emit(JSON.stringify(value));
      return;
    }
    emit('{');
    let first = true;
    for (const [k, v] of entries) {
      if (v === undefined || typeof v === 'function') continue;
      if (!first) emit(',');
      first = false;
      emit(JSON.stringify(k));
      emit(':');
      serialize(v, emit);
    }
    emit('}');
    return;
  }
  emit(JSON.stringify(value) ?? 'null');
}
