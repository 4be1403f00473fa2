/**
 * The request's `Cache-Control` header, as far as the response cache honours it: `no-cache` (do not
 * answer from the cache), `no-store` (do not keep this answer), `max-age=N` (only an answer stored at
 * most N seconds ago will do).
 */

export interface CacheDirectives {
  noCache: boolean;
  noStore: boolean;
  /** Seconds, or null when the header sets no limit. */
  maxAgeSeconds: number | null;
}

export const noDirectives: CacheDirectives = { noCache: false, noStore: false, maxAgeSeconds: null };

const maxAgePattern = /^max-age=(\d+)$/;

/**
 * @example
 * parseCacheControl('no-store, max-age=60'); // { noCache: false, noStore: true, maxAgeSeconds: 60 }
 */
export function parseCacheControl(header: string | null | undefined): CacheDirectives {
  if (header === null || header === undefined || header === '') return noDirectives;
  const directives = { ...noDirectives };
  for (const raw of header.split(',')) {
    const directive = raw.trim().toLowerCase();
    if (directive === 'no-cache') directives.noCache = true;
    else if (directive === 'no-store') directives.noStore = true;
    else {
      const match = maxAgePattern.exec(directive);
      if (match !== null) directives.maxAgeSeconds = Number(match[1]);
    }
  }
  return directives;
}
