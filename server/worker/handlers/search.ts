/** `conexus/search`: answers a query; the token's cancellation aborts the engine's work. */
import { SearchRequest } from '../../../protocol/requests';
import { defineHandler } from './handler';

export const searchHandler = defineHandler(SearchRequest, async (params, { host, logger }, signal) => {
  const engine = await host.ready();
  const result = await engine.search(params, signal);
  logger.debug(`search (${result.mode}, k=${params.k}) returned ${result.hits.length} hits in ${result.tookMs} ms`);
  return result;
});
