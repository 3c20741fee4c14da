/** `conexus/indexStatus`: the engine's status, or a stand-in while the index opens. */
import { IndexStatusRequest } from '../../../protocol/requests';
import { defineHandler } from './handler';

export const indexStatusHandler = defineHandler(IndexStatusRequest, async (_params, { host }) => host.status());
