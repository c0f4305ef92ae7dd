import type { ResponseStore } from './ResponseStore.js';

interface Entry {
  readonly value: string;
  readonly expiresAt: number;
}

/**
 * An in-process store of serialized answers, least recently used first out, bounded by the
 * characters it holds (not by entry count: one answer can be a few hundred bytes or a few
 * hundred kilobytes, and a count bound would let big answers take any amount of memory).
 * Expired entries go when they are next read or when space is needed.
 */
export function memoryResponseStore(options: { maxChars: number; now?: () => number }): ResponseStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  let held = 0;
  const drop = (key: string, entry: Entry) => {
    entries.delete(key);
    held -= entry.value.length;
  };
  return {
    async get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (entry.expiresAt <= now()) {
        drop(key, entry);
        return undefined;
      }
      // Map order is insertion order: re-inserting makes it the most recently used.
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    async set(key, value, ttlS) {
      const previous = entries.get(key);
      if (previous !== undefined) drop(key, previous);
      if (ttlS <= 0 || value.length > options.maxChars) return;
      for (const [oldKey, oldEntry] of entries) {
        if (held + value.length <= options.maxChars) break;
        drop(oldKey, oldEntry);
      }
      entries.set(key, { value, expiresAt: now() + ttlS * 1000 });
      held += value.length;
    },
    async close() {
      entries.clear();
      held = 0;
    },
  };
}
