import type { FakeKombo } from '../../local/fake-kombo';

/** What the records table must hold for the fake's dataset: data verbatim, tombstones for deletions. */
export function expectedMirror(kombo: FakeKombo, integrationId: string, resource: string) {
  return kombo
    .records(integrationId, resource, { includeDeleted: true })
    .map((record) =>
      record.remote_deleted_at
        ? {
            id: record.id,
            data_encoding: 'tombstone',
            remote_deleted_at: new Date(record.remote_deleted_at).toISOString(),
            data: undefined,
          }
        : { id: record.id, data_encoding: 'map', remote_deleted_at: null, data: record },
    )
    .sort((a, b) => a.id.localeCompare(b.id));
}

export function mirrorOf(items: Record<string, unknown>[]) {
  return items
    .map((item) => ({
      id: item.id,
      data_encoding: item.data_encoding,
      remote_deleted_at: item.remote_deleted_at,
      data: item.data,
    }))
    .sort((a, b) => String(a.id).localeCompare(String(b.id)));
}

/** The ids of the tombstones among stored items, sorted. */
export function tombstonedIds(items: Record<string, unknown>[]): string[] {
  return items
    .filter((item) => item.data_encoding === 'tombstone')
    .map((item) => String(item.id))
    .sort();
}
