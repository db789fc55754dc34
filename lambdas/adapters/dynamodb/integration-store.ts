import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import {
  ACTIVE_STATE,
  DELETED_STATE,
  type IntegrationBlock,
  type IntegrationRegistry,
  type IntegrationState,
  type IntegrationStatus,
  type PurgeProgress,
  type RegisteredIntegration,
} from '../../core/ports';
import { REGISTRY_PARTITION, STATE_META_KEY, statePartition } from '../../core/table-keys';
import { isConditionFailed } from './errors';

/** Fields of the `meta` item written before blocks had a model of their own: removed on every block change. */
const LEGACY_BLOCK_FIELDS = 'blocked_code, blocked_until, blocked_at';

const registryItemSchema = z.object({
  sk: z.string(),
  tool: z.string(),
  category: z.string(),
  state: z.string(),
  origin_id: z.string().nullish(),
  first_seen_at: z.string(),
  last_seen_at: z.string(),
});

/**
 * Everything stored about an integration as a whole, with one writer: its registry entry (`pk` =
 * `registry`, `sk` = the integration id) and its `meta` item in its own partition (block, deletion
 * marker, purge progress).
 */
export class DynamoIntegrationStore implements IntegrationRegistry, IntegrationStatus {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async register(input: Parameters<IntegrationRegistry['register']>[0]): Promise<void> {
    await this.upsert(input, undefined);
  }

  async setState(input: Parameters<IntegrationRegistry['setState']>[0]): Promise<void> {
    if (!(await this.upsert(input, input.state))) return;
    if (input.state === ACTIVE_STATE) {
      await this.updateMeta(input.id, `SET integration_id = :id REMOVE #block, ${LEGACY_BLOCK_FIELDS}`, {
        ':id': input.id,
      });
      return;
    }
    const block: IntegrationBlock = { by: 'state', state: input.state, at: input.at };
    await this.updateMeta(input.id, `SET integration_id = :id, #block = :block REMOVE ${LEGACY_BLOCK_FIELDS}`, {
      ':id': input.id,
      ':block': block,
    });
  }

  async blockIntegration(
    integrationId: string,
    { code, until, at }: { code: string; until: string; at: string },
  ): Promise<void> {
    const block: IntegrationBlock = { by: 'kombo', code, until, at };
    await this.updateMeta(integrationId, `SET integration_id = :id, #block = :block REMOVE ${LEGACY_BLOCK_FIELDS}`, {
      ':id': integrationId,
      ':block': block,
    });
  }

  async integrationState(integrationId: string): Promise<IntegrationState | undefined> {
    const { Item: meta } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: statePartition(integrationId), sk: STATE_META_KEY },
        ConsistentRead: true,
      }),
    );
    if (!meta) return undefined;
    const purge = purgeProgressSchema.safeParse(meta.purge);
    return {
      block: blockOf(meta),
      deletedAt: typeof meta.deleted_at === 'string' ? meta.deleted_at : undefined,
      purge: purge.success ? purge.data : undefined,
    };
  }

  async savePurgeProgress(integrationId: string, progress: PurgeProgress): Promise<void> {
    await this.updateMeta(integrationId, 'SET purge = :purge', {
      ':purge': { ...progress, key: progress.key ?? null },
    });
  }

  async finishPurge(integrationId: string, at: string): Promise<void> {
    // The marker that keeps late jobs from bringing data back; no customer details.
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: statePartition(integrationId), sk: STATE_META_KEY },
        UpdateExpression: `SET integration_id = :id, deleted_at = if_not_exists(deleted_at, :at), purged_at = :at REMOVE purge, #block, ${LEGACY_BLOCK_FIELDS}`,
        ExpressionAttributeNames: { '#block': 'block' },
        ExpressionAttributeValues: { ':id': integrationId, ':at': at },
      }),
    );
  }

  private async updateMeta(integrationId: string, update: string, values: Record<string, unknown>): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: statePartition(integrationId), sk: STATE_META_KEY },
        UpdateExpression: update,
        ...(update.includes('#block') ? { ExpressionAttributeNames: { '#block': 'block' } } : {}),
        ExpressionAttributeValues: values,
      }),
    );
  }

  async markDeleted({ id, tool, category, at }: Parameters<IntegrationRegistry['markDeleted']>[0]): Promise<void> {
    // The customer's details go; what stays says only that the integration existed and is gone.
    // A repeated deletion keeps the first date and any purge progress.
    await this.updateMeta(id, 'SET integration_id = :id, deleted_at = if_not_exists(deleted_at, :at)', {
      ':id': id,
      ':at': at,
    });
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
    const sets = [
      'tool = :tool',
      'category = :category',
      'last_seen_at = :at',
      'first_seen_at = if_not_exists(first_seen_at, :at)',
    ];
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

const purgeProgressSchema = z
  .object({
    resourceIndex: z.number().int().nonnegative(),
    key: z.string().nullish(),
    deleted: z.number().int().nonnegative(),
    round: z.number().int().positive().optional().default(1),
  })
  .transform((progress) => ({ ...progress, key: progress.key ?? undefined }));

const blockSchema = z.discriminatedUnion('by', [
  z.object({ by: z.literal('kombo'), code: z.string(), at: z.string(), until: z.string() }),
  z.object({ by: z.literal('state'), state: z.string(), at: z.string() }),
]);

/** The block, or one written before blocks had a model (`blocked_until` then bounded both kinds). */
function blockOf(meta: Record<string, unknown>): IntegrationBlock | undefined {
  const block = blockSchema.safeParse(meta.block);
  if (block.success) return block.data;
  const { blocked_code: code, blocked_until: until, blocked_at: at } = meta;
  if (typeof code === 'string' && typeof until === 'string')
    return { by: 'kombo', code, until, at: typeof at === 'string' ? at : until };
  return undefined;
}
