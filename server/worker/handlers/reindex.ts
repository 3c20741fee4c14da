/** `conexus/reindex`: starts a full reconciliation pass in the background. */
import { ReindexRequest } from '../../../protocol/requests';
import { defineHandler } from './handler';

export const reindexHandler = defineHandler(ReindexRequest, async (_params, { host }) => {
  const engine = await host.ready();
  if (!engine.status().writer) {
    return { message: 'Another process owns this index, so this window cannot reindex it; close the other Conexus process and reload the window.' };
  }
  host.reindex();
  return { message: 'Reindexing the workspace; unchanged files are not read again.' };
});
