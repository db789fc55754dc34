import { createWebhookHandler, webhookFromEnvironment } from './create-handler';

export const handler = createWebhookHandler(webhookFromEnvironment());
