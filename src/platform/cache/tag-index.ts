/** Which keys carry each tag, so a cache can mark every entry read from one thing (a store). */
export interface TagIndex<K> {
  add(key: K): void;
  remove(key: K): void;
  keysOf(tags: readonly string[]): K[];
  clear(): void;
}

/** Without `tagOf` nothing is indexed and no key carries a tag. */
export function createTagIndex<K>(tagOf: ((key: K) => string) | undefined): TagIndex<K> {
  const byTag = new Map<string, Set<K>>();
  return {
    add(key) {
      if (!tagOf) return;
      const tag = tagOf(key);
      let keys = byTag.get(tag);
      if (!keys) byTag.set(tag, (keys = new Set()));
      keys.add(key);
    },
    remove(key) {
      if (!tagOf) return;
      const tag = tagOf(key);
      const keys = byTag.get(tag);
      if (keys?.delete(key) && keys.size === 0) byTag.delete(tag);
    },
    keysOf: (tags) => tags.flatMap((tag) => [...(byTag.get(tag) ?? [])]),
    clear: () => byTag.clear(),
  };
}
