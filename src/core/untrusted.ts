// Small guards for data that comes from a file, a link or storage: a key must be the object's own (a tensor or
// task named "constructor" must not find Object.prototype's), and a library's error text about such data is cut
// to a length a page can show (a hostile file can make one of megabytes).

/** `obj[key]` when `key` is the object's own property, else undefined. */
export function ownValue<T>(obj: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

export function boundedMessage(e: unknown, max = 300): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}
