import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  ACTIVE_STATE,
  DELETED_STATE,
  type IntegrationBlock,
  type IntegrationRegistry,
  type IntegrationState,
  type IntegrationStatus,
  type PurgeProgress,
  type RegisteredIntegration,
  type RegisterResult,
} from '../../core/ports';
import { REGISTRY_PARTITION, STATE_META_KEY, statePartition } from '../../core/table-keys';
import { isConditionFailed } from './errors';
import { integrationStateOf, LEGACY_BLOCK_FIELDS } from './integration-meta';
import { queryAll } from './query-items';
import { registeredIntegrationOf } from './registry-items';

type RegisterInput = Parameters<IntegrationRegistry['register']>[0];
type StateInput = Parameters<IntegrationRegistry['setState']>[0];

/**
 * Everything stored about an integration as a whole, with one writer: its registry entry (`pk` =
 * `registry`, `sk` = the integration id) and its `meta` item in its own partition (block, deletion
 * marker, purge progress, what Kombo last said of its models and scope).
 */
export class DynamoIntegrationStore implements IntegrationRegistry, IntegrationStatus {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async register(input: RegisterInput): Promise<RegisterResult> {
    const sets = ['#state = if_not_exists(#state, :active)'];
    const values: Record<string, unknown> = { ':active': ACTIVE_STATE };
    if (input.dataChangedAt !== undefined) {
      sets.push(
        'last_data_changed_at = :changed',
        'first_data_changed_at = if_not_exists(first_data_changed_at, :changed)',
      );
      values[':changed'] = input.dataChangedAt;
    }
    const old = await this.upsert(input, sets, values, {
      condition: 'attribute_not_exists(#state) OR #state <> :deleted',
      add: input.dataChangedAt !== undefined ? 'data_changed_count :one' : undefined,
    });
    if (old === 'refused') return { outcome: 'deleted' };
    return old === undefined ? { outcome: 'registered' } : { outcome: 'refreshed', previousState: String(old.state) };
  }

  async setState(input: StateInput): Promise<'applied' | 'stale' | 'deleted'> {
    const old = await this.upsert(
      input,
      ['#state = :state', 'state_changed_at = :at', 'state_updated_at = :updated'],
      {
        ':state': input.state,
        ':updated': input.updatedAt,
      },
      {
        // A late or replayed event (not newer than what is stored) changes nothing.
        condition:
          '(attribute_not_exists(#state) OR #state <> :deleted) AND (attribute_not_exists(state_updated_at) OR state_updated_at < :updated)',
      },
    );
    if (old === 'refused') return (await this.get(input.id))?.state === DELETED_STATE ? 'deleted' : 'stale';
    if (input.state === ACTIVE_STATE) {
      await this.updateMeta(input.id, `SET integration_id = :id REMOVE #block, ${LEGACY_BLOCK_FIELDS}`, {
        ':id': input.id,
      });
    } else {
      const block: IntegrationBlock = { by: 'state', state: input.state, at: input.at };
      await this.updateMeta(input.id, `SET integration_id = :id, #block = :block REMOVE ${LEGACY_BLOCK_FIELDS}`, {
        ':id': input.id,
        ':block': block,
      });
    }
    return 'applied';
  }

  async markMissing(id: string, at: string): Promise<string> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: REGISTRY_PARTITION, sk: id },
        UpdateExpression: 'SET missing_since = if_not_exists(missing_since, :at)',
        ConditionExpression: 'attribute_exists(sk)',
        ExpressionAttributeValues: { ':at': at },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return String(Attributes?.missing_since ?? at);
  }

  async clearMissing(id: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: REGISTRY_PARTITION, sk: id },
        UpdateExpression: 'REMOVE missing_since',
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
          'first_seen_at = if_not_exists(first_seen_at, :at), last_seen_at = :at ' +
          'REMOVE origin_id, state_changed_at, missing_since, first_data_changed_at, last_data_changed_at, data_changed_count',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':tool': tool, ':category': category, ':deleted': DELETED_STATE, ':at': at },
      }),
    );
  }

  async list(): Promise<RegisteredIntegration[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': REGISTRY_PARTITION },
    });
    return items.map(registeredIntegrationOf);
  }

  async get(id: string): Promise<RegisteredIntegration | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: REGISTRY_PARTITION, sk: id }, ConsistentRead: true }),
    );
    return Item ? registeredIntegrationOf(Item) : undefined;
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
    return meta ? integrationStateOf(meta) : undefined;
  }

  async saveUpstream(
    integrationId: string,
    upstream: { unavailableResources: readonly string[]; dataExpiredAt: string | undefined },
  ): Promise<void> {
    const expired = upstream.dataExpiredAt === undefined ? ' REMOVE data_expired_at' : '';
    await this.updateMeta(
      integrationId,
      `SET integration_id = :id, unavailable_resources = :unavailable${expired ? '' : ', data_expired_at = :expired'}${expired}`,
      {
        ':id': integrationId,
        ':unavailable': [...upstream.unavailableResources],
        ...(upstream.dataExpiredAt === undefined ? {} : { ':expired': upstream.dataExpiredAt }),
      },
    );
  }

  async savePurgeProgress(integrationId: string, progress: PurgeProgress): Promise<void> {
    await this.updateMeta(integrationId, 'SET purge = :purge', {
      ':purge': { ...progress, key: progress.key ?? null },
    });
  }

  async finishPurge(integrationId: string, at: string): Promise<void> {
    // The marker that keeps late jobs from bringing data back; no customer details.
    await this.updateMeta(
      integrationId,
      `SET integration_id = :id, deleted_at = if_not_exists(deleted_at, :at), purged_at = :at REMOVE purge, #block, unavailable_resources, data_expired_at, ${LEGACY_BLOCK_FIELDS}`,
      { ':id': integrationId, ':at': at },
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

  /**
   * Adds or refreshes the registry entry under `condition`; returns the entry as it was before
   * (undefined: new), or `refused` when the condition did not hold.
   */
  private async upsert(
    input: { id: string; tool: string; category: string; originId?: string | null | undefined; at: string },
    extraSets: string[],
    extraValues: Record<string, unknown>,
    options: { condition: string; add?: string | undefined },
  ): Promise<Record<string, unknown> | undefined | 'refused'> {
    const values: Record<string, unknown> = {
      ':tool': input.tool,
      ':category': input.category,
      ':at': input.at,
      ':deleted': DELETED_STATE,
      ...extraValues,
    };
    const sets = [
      'tool = :tool',
      'category = :category',
      'last_seen_at = :at',
      'first_seen_at = if_not_exists(first_seen_at, :at)',
      ...extraSets,
    ];
    if (input.originId !== undefined) {
      sets.push('origin_id = :origin');
      values[':origin'] = input.originId;
    }
    if (options.add) values[':one'] = 1;
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: REGISTRY_PARTITION, sk: input.id },
          UpdateExpression: `SET ${sets.join(', ')}${options.add ? ` ADD ${options.add}` : ''}`,
          ConditionExpression: options.condition,
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes;
    } catch (error) {
      if (isConditionFailed(error)) return 'refused';
      throw error;
    }
  }
}
