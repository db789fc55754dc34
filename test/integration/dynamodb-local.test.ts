import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { NetworkInterfaceInfo } from 'node:os';
import os from 'node:os';
import path from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { dynamoServerKind, startLocalDynamo } from '../../local/aws/dynamo-server';
import { networkExposure, startDynamoDbLocal } from '../../local/aws/dynamodb-local';
import { listensOn } from '../../local/aws/socket-owner';

/**
 * The DynamoDB Local runner behind `npm run test:ddb-local`: the switch, the guard that keeps a
 * server listening on every interface inside a private network namespace, and the JVM's lifecycle
 * (that part only runs inside such a namespace, i.e. under `npm run test:ddb-local`).
 */
const address = (address: string, family: 'IPv4' | 'IPv6', internal: boolean): NetworkInterfaceInfo =>
  ({ address, family, internal, netmask: '', mac: '00:00:00:00:00:00', cidr: null }) as NetworkInterfaceInfo;
const LOOPBACK = [address('127.0.0.1', 'IPv4', true), address('::1', 'IPv6', true)];

async function listeningServer() {
  const server = createServer((_request, response) => response.end('not DynamoDB'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('networkExposure', () => {
  it('passes a network whose only interface is loopback, with 127.0.0.1', () => {
    expect(networkExposure({ lo: LOOPBACK })).toBeUndefined();
  });

  it('refuses a network with any other interface, naming it and the unshare -n command', () => {
    const refusal = networkExposure({ lo: LOOPBACK, eth0: [address('10.0.0.5', 'IPv4', false)] });
    expect(refusal).toMatch(/has eth0 besides loopback/);
    expect(refusal).toContain("unshare -n bash -c 'ip link set lo up; <command>'");
  });

  it('refuses a namespace whose loopback is still down (no 127.0.0.1)', () => {
    expect(networkExposure({})).toMatch(/loopback has no 127\.0\.0\.1 .*ip link set lo up/);
  });
});

describe('KOMBO_SYNC_DYNAMODB', () => {
  it('picks dynalite unless it says dynamodb-local', () => {
    expect(dynamoServerKind({})).toBe('dynalite');
    expect(dynamoServerKind({ KOMBO_SYNC_DYNAMODB: '' })).toBe('dynalite');
    expect(dynamoServerKind({ KOMBO_SYNC_DYNAMODB: 'dynalite' })).toBe('dynalite');
    expect(dynamoServerKind({ KOMBO_SYNC_DYNAMODB: 'dynamodb-local' })).toBe('dynamodb-local');
  });

  it('refuses any other value instead of quietly running dynalite', () => {
    expect(() => dynamoServerKind({ KOMBO_SYNC_DYNAMODB: 'ddb-local' })).toThrow(
      'KOMBO_SYNC_DYNAMODB must be dynalite or dynamodb-local, not "ddb-local"',
    );
  });
});

describe('listensOn', () => {
  it('tells a port this process listens on from one it does not', async () => {
    const server = await listeningServer();
    const other = await listeningServer();
    await other.close();
    try {
      expect(listensOn(process.pid, server.port)).toBe(true);
      expect(listensOn(process.pid, other.port)).toBe(false);
    } finally {
      await server.close();
    }
  });
});

const exposure = networkExposure();

describe.runIf(exposure !== undefined)('DynamoDB Local, outside a private network namespace', () => {
  it('refuses to start DynamoDB Local, and says to use unshare -n', async () => {
    await expect(startLocalDynamo({ server: 'dynamodb-local' })).rejects.toThrow(
      /listens on every interface.*unshare -n bash -c 'ip link set lo up; <command>'/,
    );
  });
});

describe.runIf(exposure === undefined)(
  'DynamoDB Local, only in a private network namespace (npm run test:ddb-local)',
  () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'kombo-sync-ddb-local-'));
    afterAll(() => rmSync(directory, { recursive: true, force: true }));

    it('answers once started; after close, nothing answers on its port', async () => {
      const server = await startDynamoDbLocal();
      const answer = await fetch(server.endpoint, { method: 'POST' });
      expect(answer.headers.get('server')).toMatch(/^Jetty/);
      await server.close();
      await expect(fetch(server.endpoint, { method: 'POST' })).rejects.toThrow();
      await server.close(); // a second close is harmless
    });

    it('does not take another server on its port for itself: it fails, naming the port', async () => {
      const other = await listeningServer();
      try {
        await expect(startDynamoDbLocal({ port: other.port })).rejects.toThrow(
          `DynamoDB Local on port ${other.port} exited (1) before it answered`,
        );
      } finally {
        await other.close();
      }
    });

    it('is what startLocalDynamo runs behind the layer when asked; `path` keeps the data on disk', async () => {
      const item = { pk: 'p', sk: 's', n: 1 };
      const first = await startLocalDynamo({ server: 'dynamodb-local', path: directory });
      try {
        expect(first.server).toBe('dynamodb-local');
        await first.createTable('kept');
        await first.documents.send(new PutCommand({ TableName: 'kept', Item: item }));
        expect(first.rules?.requests().map((request) => request.operation)).toEqual(['CreateTable', 'PutItem']);
      } finally {
        await first.close();
      }
      const second = await startLocalDynamo({ server: 'dynamodb-local', path: directory, awsRules: false });
      try {
        expect(second.rules).toBeUndefined();
        const read = await second.documents.send(new GetCommand({ TableName: 'kept', Key: { pk: 'p', sk: 's' } }));
        expect(read.Item).toEqual(item);
      } finally {
        await second.close();
      }
    });
  },
);
