import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { REGISTRY_PARTITION } from '../../lambdas/core/table-keys';
import { httpOrigin } from '../aws/http-origin';
import { RECORDS_TABLE, STATE_TABLE } from '../aws/names';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../aws/sqs-server';
import type { LocalAwsPorts } from './settings';

/**
 * `npm run local:aws -- inspect`: what the functions run by `sam local` left behind, read from a running
 * `npm run local:aws` without changing it. Queues through fauxqs's inspection endpoints (a ReceiveMessage would
 * hide the messages for the queue's 30-minute visibility timeout), tables with Scan and Query.
 */
export interface FauxqsMessage {
  readonly body: string;
  readonly messageGroupId?: string;
  readonly messageAttributes?: Record<string, { StringValue?: string }>;
}
interface FauxqsQueue {
  readonly name: string;
  readonly messages: { ready: FauxqsMessage[]; delayed: FauxqsMessage[]; inflight: { message: FauxqsMessage }[] };
}

const BODY_CHARACTERS = 160;

export async function inspectLocalAws(where: { host: string; ports: LocalAwsPorts }): Promise<string[]> {
  return [...(await queueLines(httpOrigin(where.host, where.ports.sqs))), ...(await tableLines(where))];
}

async function getJson<T>(url: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    throw new Error(`nothing answers at ${url}: is \`npm run local:aws\` running, with the same --host and ports?`);
  }
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

/** Every message of a fauxqs queue, waiting, delayed or in flight, left where it is. */
export async function queuedMessages(
  origin: string,
  queueName: string,
): Promise<{ waiting: FauxqsMessage[]; inFlight: FauxqsMessage[] }> {
  const { messages } = await getJson<FauxqsQueue>(`${origin}/_fauxqs/queues/${encodeURIComponent(queueName)}`);
  return {
    waiting: [...messages.ready, ...messages.delayed],
    inFlight: messages.inflight.map((entry) => entry.message),
  };
}

async function queueLines(origin: string): Promise<string[]> {
  const names = (await getJson<{ name: string }[]>(`${origin}/_fauxqs/queues`)).map((queue) => queue.name).sort();
  const lines: string[] = [];
  for (const name of names) {
    const { waiting, inFlight } = await queuedMessages(origin, name);
    lines.push(`queue ${name}: ${waiting.length} waiting, ${inFlight.length} in flight`);
    for (const message of [...waiting, ...inFlight]) {
      const reason = message.messageAttributes?.reason?.StringValue;
      const body = message.body.length > BODY_CHARACTERS ? `${message.body.slice(0, BODY_CHARACTERS)}…` : message.body;
      lines.push(`  ${message.messageGroupId ?? '-'}  ${body}${reason ? `  (reason: ${reason})` : ''}`);
    }
  }
  return lines;
}

async function tableLines(where: { host: string; ports: LocalAwsPorts }): Promise<string[]> {
  const client = new DynamoDBClient({
    endpoint: httpOrigin(where.host, where.ports.dynamodb),
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  const documents = DynamoDBDocumentClient.from(client);
  try {
    const lines: string[] = [];
    for (const table of [RECORDS_TABLE, STATE_TABLE]) {
      const perPartition = new Map<string, number>();
      let start: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(
          new ScanCommand({ TableName: table, ProjectionExpression: 'pk', ExclusiveStartKey: start }),
        );
        for (const item of page.Items ?? [])
          perPartition.set(String(item.pk), (perPartition.get(String(item.pk)) ?? 0) + 1);
        start = page.LastEvaluatedKey;
      } while (start);
      const total = [...perPartition.values()].reduce((sum, count) => sum + count, 0);
      lines.push(`table ${table}: ${total} items`);
      for (const [partition, count] of [...perPartition].sort()) lines.push(`  ${partition}  ${count}`);
    }
    const registry = await documents.send(
      new QueryCommand({
        TableName: STATE_TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': REGISTRY_PARTITION },
      }),
    );
    for (const item of registry.Items ?? []) lines.push(`registry: ${String(item.sk)} ${String(item.state)}`);
    return lines;
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'ResourceNotFoundException' || /ECONNREFUSED/.test(String(error))) {
      throw new Error(`no local:aws DynamoDB at ${httpOrigin(where.host, where.ports.dynamodb)}: ${String(error)}`);
    }
    throw error;
  } finally {
    client.destroy();
  }
}
