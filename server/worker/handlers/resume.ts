/** `conexus/resume`: resumes background indexing and processes queued changes. */
import { ResumeRequest } from '../../../protocol/requests';
import { defineHandler } from './handler';

export const resumeHandler = defineHandler(ResumeRequest, async (_params, { host }) => {
  const engine = await host.ready();
  engine.resume();
  const pending = engine.status().pendingChanges;
  return { message: pending ? `Indexing resumed with ${pending} queued change(s).` : 'Indexing resumed.' };
});
