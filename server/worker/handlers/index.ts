/** Every request handler the worker registers, one per message in `protocol/requests.ts`. */
import type { WorkerHandler } from './handler';
import { searchHandler } from './search';
import { indexStatusHandler } from './indexStatus';
import { reindexHandler } from './reindex';
import { pauseHandler } from './pause';
import { resumeHandler } from './resume';
import { clearHandler } from './clear';

export const handlers: ReadonlyArray<WorkerHandler> = [
  searchHandler, indexStatusHandler, reindexHandler, pauseHandler, resumeHandler, clearHandler,
] as ReadonlyArray<WorkerHandler>;
