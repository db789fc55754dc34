/**
 * The two loops kombo-sync is compared with, on the same fake Kombo and the same DynamoDB: what
 * Kombo's guide suggests (fetch page by page, follow `next`, store each record), once with plain
 * `fetch` and once with the official SDK's page iterator. Both write one PutItem per record, one
 * after another, into a partition of their own in the records table.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { Kombo } from '@kombo-api/sdk';
import type { Pipeline } from '../local/pipeline';
import { RECORDS_TABLE } from '../local/pipeline';
import { PAGE_SIZE, RESOURCE } from './config';

export type ReferenceName = 'guide-fetch' | 'sdk-iterator';

export interface ReferenceRun {
  readonly seconds: number;
  readonly records: number;
  readonly pages: number;
}

interface KomboRecordLike {
  readonly id: string;
  readonly changed_at?: unknown;
}

/** One PutItem per record, in order, as a first integration would write them. */
async function putEach(pipeline: Pipeline, partition: string, records: readonly KomboRecordLike[]): Promise<void> {
  for (const record of records) {
    await pipeline.dynamo.documents.send(
      new PutCommand({
        TableName: RECORDS_TABLE,
        Item: { pk: partition, sk: record.id, changed_at: String(record.changed_at), data: record },
      }),
    );
  }
}

interface KomboPage {
  readonly status: string;
  readonly data: { readonly next: string | null; readonly results: KomboRecordLike[] };
}

/** The guide's loop with plain fetch: Authorization and X-Integration-Id, every filter on every page. */
export async function guideFetchLoop(
  pipeline: Pipeline,
  integrationId: string,
  partition: string,
): Promise<ReferenceRun> {
  const started = performance.now();
  const base = `${pipeline.kombo.baseUrl}/${RESOURCE}?page_size=${PAGE_SIZE}&include_deleted=true`;
  let url: string | undefined = base;
  let records = 0;
  let pages = 0;
  while (url) {
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${pipeline.kombo.apiKey}`, 'X-Integration-Id': integrationId },
    });
    if (!response.ok) throw new Error(`Kombo answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as KomboPage;
    pages++;
    await putEach(pipeline, partition, page.data.results);
    records += page.data.results.length;
    url = page.data.next ? `${base}&cursor=${encodeURIComponent(page.data.next)}` : undefined;
  }
  return { seconds: (performance.now() - started) / 1000, records, pages };
}

/**
 * The guide's loop with `@kombo-api/sdk`'s iterator. The SDK parses dates into `Date` objects,
 * which DynamoDB's document client cannot store, so each record goes back to plain JSON first.
 */
export async function sdkIteratorLoop(
  pipeline: Pipeline,
  integrationId: string,
  partition: string,
): Promise<ReferenceRun> {
  const started = performance.now();
  const kombo = new Kombo({
    api_key: pipeline.kombo.apiKey,
    integration_id: integrationId,
    server_url: pipeline.kombo.baseUrl,
  });
  let records = 0;
  let pages = 0;
  for await (const page of await kombo.hris.getTimesheets({ page_size: PAGE_SIZE, include_deleted: true })) {
    pages++;
    const results = page.result.data.results.map((record) => JSON.parse(JSON.stringify(record)) as KomboRecordLike);
    await putEach(pipeline, partition, results);
    records += results.length;
  }
  return { seconds: (performance.now() - started) / 1000, records, pages };
}

export const REFERENCES: Readonly<Record<ReferenceName, typeof guideFetchLoop>> = {
  'guide-fetch': guideFetchLoop,
  'sdk-iterator': sdkIteratorLoop,
};
