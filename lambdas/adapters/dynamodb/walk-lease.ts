import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { leaseKey, statePartition, TTL_ATTRIBUTE } from '../../core/table-keys';
import { isConditionFailed } from './errors';

/** A lease left behind by a crash is gone from the table a day after it expired (it no longer counts long before). */
const LEASE_TTL_SECONDS = 86_400;

/** The walk lease item: taken by a conditional put, given back by a conditional delete. */
export async function acquireWalkLease(
  client: DynamoDBDocumentClient,
  tableName: string,
  key: { integrationId: string; resource: string },
  lease: { owner: string; nowMs: number; untilMs: number },
): Promise<boolean> {
  try {
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: statePartition(key.integrationId),
          sk: leaseKey(key.resource),
          owner: lease.owner,
          until_ms: lease.untilMs,
          [TTL_ATTRIBUTE]: Math.floor(lease.untilMs / 1000) + LEASE_TTL_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR #owner = :owner OR until_ms < :now',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': lease.owner, ':now': lease.nowMs },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

export async function releaseWalkLease(
  client: DynamoDBDocumentClient,
  tableName: string,
  key: { integrationId: string; resource: string },
  owner: string,
): Promise<void> {
  try {
    await client.send(
      new DeleteCommand({
        TableName: tableName,
        Key: { pk: statePartition(key.integrationId), sk: leaseKey(key.resource) },
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner },
      }),
    );
  } catch (error) {
    // Expired and taken by another job meanwhile: theirs now, not ours to give back.
    if (!isConditionFailed(error)) throw error;
  }
}
