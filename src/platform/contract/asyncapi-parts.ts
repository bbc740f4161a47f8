/** A piece of the AsyncAPI document: channels, operations and the messages they name. */
export interface DocumentParts {
  channels: Record<string, object>;
  operations: Record<string, object>;
  messages: Record<string, object>;
}

/** The parts together; a key declared twice is a mistake in what the modules declare. */
export function mergeParts(...all: DocumentParts[]): DocumentParts {
  const out: DocumentParts = { channels: {}, operations: {}, messages: {} };
  for (const parts of all)
    for (const section of ['channels', 'operations', 'messages'] as const)
      for (const [key, value] of Object.entries(parts[section])) {
        if (key in out[section]) throw new Error(`AsyncAPI ${section}: "${key}" declared twice`);
        out[section][key] = value;
      }
  return out;
}
