/** A tracked position: `at` is when it was recorded, epoch milliseconds. */
export interface GeoPoint {
  id: string;
  lat: number;
  lng: number;
  at: number;
}

export interface GeoHit extends GeoPoint {
  distanceM: number;
}

export interface GeoSearch {
  lat: number;
  lng: number;
  radiusM: number;
  /** At most this many hits, nearest first. Default 50. */
  limit?: number;
  /** Leave out points recorded before this instant (epoch ms): the staleness cut-off. */
  freshSince?: number;
}

/**
 * Geo index port: the latest position per id, searchable by radius. Hot state only: it can be
 * rebuilt from Postgres and holds nothing that is the system of record.
 */
export interface GeoIndex {
  readonly kind: 'memory' | 'redis';
  /** Insert or move points; a point older than the stored one for its id is ignored. */
  upsert(points: readonly GeoPoint[]): Promise<void>;
  remove(ids: readonly string[]): Promise<void>;
  get(id: string): Promise<GeoPoint | null>;
  /** Hits within `radiusM` of the centre, nearest first. */
  search(query: GeoSearch): Promise<GeoHit[]>;
  size(): Promise<number>;
  close(): Promise<void>;
}
