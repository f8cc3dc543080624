import type { BucketEntry } from '../../lib/hazards/slidingWindow.ts';
import type { LegalRecordSource } from '../../lib/privacy/legalRequest.ts';
import { bucketEntriesOf } from './bucketStore.ts';
import type { DeviceDataSweeper } from './deviceDataSweeper.ts';

/**
 * A legal export's read of the minute buckets: the deletion sweep's filtered Scan in read mode
 * (with each item's per-sector sets, so the export can say which sector held the device). Only
 * the Buckets phase is ever scanned here, which is why a legal export is granted Buckets read
 * and nothing the sweeper could otherwise reach.
 */
export class BucketRecordReader implements LegalRecordSource {
  constructor(private readonly sweeper: Pick<DeviceDataSweeper, 'scanPage'>) {}

  async bucketPage(
    pseudonyms: readonly string[],
    cursor?: string,
  ): Promise<{ entries: BucketEntry[]; next?: string }> {
    const page = await this.sweeper.scanPage('Buckets', pseudonyms, cursor, true);
    return {
      entries: (page.items ?? []).flatMap((item) => bucketEntriesOf(item)),
      ...(page.next ? { next: page.next } : {}),
    };
  }
}
