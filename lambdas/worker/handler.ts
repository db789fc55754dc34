import { createWorkerHandler, workerFromEnvironment } from './create-handler';

export const handler = createWorkerHandler(workerFromEnvironment());
