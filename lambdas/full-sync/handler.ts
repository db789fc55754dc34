import { createFullSyncHandler, fullSyncFromEnvironment } from './create-handler';

export const handler = createFullSyncHandler(fullSyncFromEnvironment());
