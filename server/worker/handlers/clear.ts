/** `conexus/clear`: deletes the index data and rebuilds it from scratch in the background. */
import { ClearRequest } from '../../../protocol/requests';
import { defineHandler } from './handler';

export const clearHandler = defineHandler(ClearRequest, async (_params, { host }) => {
  await host.clear();
  return { message: 'Index cleared; rebuilding it from scratch.' };
});
