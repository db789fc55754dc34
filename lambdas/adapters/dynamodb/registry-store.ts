import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { isConditionFailed } from './errors';
import { REGISTRY_PARTITION, STATE_META_KEY, statePartition } from '../../core/table-keys';
import { ACTIVE_STATE, DELETED_STATE, type IntegrationRegistry, type RegisteredIntegration } from '../../core/ports';

/** Until the state changes back to ACTIVE: far enough to never expire on its own. */
const UNTIL_STATE_CHANGES = '9999-12-31T23:59:59.999Z';

const registryItemSchema = z.object({
  sk: z.string(),
  tool: z.string(),
  category: z.string(),
  state: z.string(),
  origin_id: z.string().nullish(),
  first_seen_at: z.string(),
  last_seen_at: z.string(),
});

/** The registry in the state table: `pk` = `registry`, `sk` = the integration id. */
export class DynamoRegistry implements IntegrationRegistry {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async register(input: Parameters<IntegrationRegistry['register']>[0]): Promise<void> {
    await this.upsert(input, undefined);
  }

  async setState(input: Parameters<IntegrationRegistry['setState']>[0]): Promise<void> {
    if (!(await this.upsert(input, input.state))) return;
    const active = input.state === ACTIVE_STATE;
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: statePartition(input.id), sk: STATE_META_KEY },
        UpdateExpression: active
          ? 'SET integration_id = :id REMOVE blocked_code, blocked_until, blocked_at'
          : 'SET integration_id = :id, blocked_code = :code, blocked_until = :until, blocked_at = :at',
        ExpressionAttributeValues: active
          ? { ':id': input.id }
          : { ':id': input.id, ':code': `INTEGRATION_STATE_${input.state}`, ':until': UNTIL_STATE_CHANGES, ':at': input.at },
      }),
    );
  }

  async markDeleted({ id, tool, category, at }: Parameters<IntegrationRegistry['markDeleted']>[0]): Promise<void> {
    // The customer's details go; what stays says only that the integration existed and is gone.
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: statePartition(id), sk: STATE_META_KEY },
        // A repeated deletion keeps the first date and any purge progress.
        UpdateExpression: 'SET integration_id = :id, deleted_at = if_not_exists(deleted_at, :at)',
        ExpressionAttributeValues: { ':id': id, ':at': at },
      }),
    );
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: REGISTRY_PARTITION, sk: id },
        UpdateExpression:
          'SET tool = :tool, category = :category, #state = :deleted, deleted_at = if_not_exists(deleted_at, :at), ' +
          'first_seen_at = if_not_exists(first_seen_at, :at), last_seen_at = :at REMOVE origin_id, state_changed_at',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':tool': tool, ':category': category, ':deleted': DELETED_STATE, ':at': at },
      }),
    );
  }

  async list(): Promise<RegisteredIntegration[]> {
    const integrations: RegisteredIntegration[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': REGISTRY_PARTITION },
          ExclusiveStartKey: start,
        }),
      );
      integrations.push(...(page.Items ?? []).map(fromItem));
      start = page.LastEvaluatedKey;
    } while (start);
    return integrations;
  }

  async get(id: string): Promise<RegisteredIntegration | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: REGISTRY_PARTITION, sk: id }, ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  /**
   * Adds or refreshes the entry; false when the integration was deleted, which no later (or
   * replayed) event undoes: Kombo does not reuse integration ids.
   */
  private async upsert(
    input: { id: string; tool: string; category: string; originId?: string | null | undefined; at: string },
    state: string | undefined,
  ): Promise<boolean> {
    const values: Record<string, unknown> = { ':tool': input.tool, ':category': input.category, ':at': input.at };
    const sets = ['tool = :tool', 'category = :category', 'last_seen_at = :at', 'first_seen_at = if_not_exists(first_seen_at, :at)'];
    if (state === undefined) {
      sets.push('#state = if_not_exists(#state, :active)');
      values[':active'] = ACTIVE_STATE;
    } else {
      sets.push('#state = :state', 'state_changed_at = :at');
      values[':state'] = state;
    }
    if (input.originId !== undefined) {
      sets.push('origin_id = :origin');
      values[':origin'] = input.originId;
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: REGISTRY_PARTITION, sk: input.id },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_not_exists(#state) OR #state <> :deleted',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ...values, ':deleted': DELETED_STATE },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }
}

function fromItem(item: Record<string, unknown>): RegisteredIntegration {
  const parsed = registryItemSchema.parse(item);
  return {
    id: parsed.sk,
    tool: parsed.tool,
    category: parsed.category,
    state: parsed.state,
    originId: parsed.origin_id ?? null,
    firstSeenAt: parsed.first_seen_at,
    lastSeenAt: parsed.last_seen_at,
  };
}
