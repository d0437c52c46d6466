export { openCache, CACHE_CIPHER, type OpenCacheOptions } from './openCache';
export { WorkstationCache, type CacheTuning, type SnapshotChange, type SnapshotProgress, type WorkstationCacheOptions } from './workstationCache';
export { META } from './meta';
export type { CachedRecord } from './records';
export type { SearchAnswer, SearchMatch } from './searchIndex';
export { SEQUENCE_GAP, type MutationDraft, type OutboxConflict, type OutboxCounts, type RejectedChange } from './outbox';
export type { ListedEntry, OutboxEntry, OutboxStatus, Rejection } from './outboxTable';
export { MIGRATIONS } from './migrations';
