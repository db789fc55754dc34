import { createHmac } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { noteConfidential } from './confidential-values';

/** Signs like Kombo does, independently of the code under test; the log guard learns secret and signature. */
export function kombosSignature(body: string, secret: string): string {
  const signature = createHmac('sha256', secret).update(Buffer.from(body, 'utf8')).digest('base64url');
  noteConfidential('a webhook secret a test signed with', secret);
  noteConfidential('a signature a test made', signature);
  return signature;
}

export function dataChangedBody(options: {
  eventId?: string;
  integrationId?: string;
  category?: string;
  models: string[];
}): string {
  return JSON.stringify({
    id: options.eventId ?? 'evt_test_1',
    type: 'data-changed',
    data: {
      integration_id: options.integrationId ?? 'personio:test123',
      integration_tool: 'personio',
      integration_category: options.category ?? 'HRIS',
      changed_models: options.models.map((name) => ({ name })),
    },
  });
}

/** An HTTP API (payload 2.0) event for `POST /webhooks/kombo`. */
export function apiGatewayEvent(
  body: string,
  headers: Record<string, string>,
  options: { base64?: boolean } = {},
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/kombo',
    rawPath: '/webhooks/kombo',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: {
        method: 'POST',
        path: '/webhooks/kombo',
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.1',
        userAgent: 'kombo',
      },
      requestId: 'req-1',
      routeKey: 'POST /webhooks/kombo',
      stage: '$default',
      time: '27/Nov/2026:12:00:00 +0000',
      timeEpoch: 1795780800000,
    },
    body: options.base64 ? Buffer.from(body, 'utf8').toString('base64') : body,
    isBase64Encoded: options.base64 ?? false,
  };
}
