import type { Agent } from 'node:http';
import { request } from 'node:http';
import type { TableKeyNames } from './aws-rules';
import { isObject } from './dynamo-request-parts';

/**
 * Key schemas of the upstream server's tables, read with DescribeTable on first need and cached.
 * Asked of the upstream directly (not through the proxy), so the lookups stay out of the request
 * log and fault injection. A table that does not exist is not cached: it may be created later.
 */
export class TableKeySchemas {
  readonly #cache = new Map<string, TableKeyNames>();

  constructor(
    private readonly upstream: URL,
    private readonly agent: Agent,
  ) {}

  get(table: string): TableKeyNames | undefined {
    return this.#cache.get(table);
  }

  /** Forget a table whose schema may change (it was deleted or created). */
  forget(table: string): void {
    this.#cache.delete(table);
  }

  async load(tables: readonly string[]): Promise<void> {
    await Promise.all(tables.filter((table) => !this.#cache.has(table)).map((table) => this.#load(table)));
  }

  async #load(table: string): Promise<void> {
    const answer = await this.#describe(table);
    const schema =
      isObject(answer) && isObject(answer.Table) && Array.isArray(answer.Table.KeySchema) ? answer.Table.KeySchema : [];
    const nameOf = (keyType: string) => {
      const element: unknown = schema.find(
        (candidate: unknown) => isObject(candidate) && candidate.KeyType === keyType,
      );
      return isObject(element) && typeof element.AttributeName === 'string' ? element.AttributeName : undefined;
    };
    const hash = nameOf('HASH');
    if (hash === undefined) return;
    const range = nameOf('RANGE');
    this.#cache.set(table, range === undefined ? { hash } : { hash, range });
  }

  #describe(table: string): Promise<unknown> {
    const body = JSON.stringify({ TableName: table });
    return new Promise((resolve, reject) => {
      const outgoing = request(
        this.upstream,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'content-length': Buffer.byteLength(body),
            'x-amz-target': 'DynamoDB_20120810.DescribeTable',
            // dynalite wants a SigV4-looking header; it does not check the signature.
            authorization:
              'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
            'x-amz-date': '20200101T000000Z',
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
            } catch {
              resolve(undefined);
            }
          });
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
}
