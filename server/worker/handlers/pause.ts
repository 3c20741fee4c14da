/** `conexus/pause`: stops background indexing after the current file; changes keep queuing. */
import { PauseRequest } from '../../../protocol/requests';
import { defineHandler } from './handler';

export const pauseHandler = defineHandler(PauseRequest, async (_params, { host }) => {
  const engine = await host.ready();
  engine.pause();
  return { message: 'Indexing paused; run "Conexus: Resume Indexing" to catch up with queued changes.' };
});
