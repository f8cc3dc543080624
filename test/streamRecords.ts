import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';
import { toLambdaRecord } from '../local/esmRunner.ts';
import type { LocalStackHandle } from '../local/localStack.ts';

/**
 * Every record on a stack's telemetry stream, from the start of each shard, shaped as the event
 * source mapping delivers them to a Lambda — for tests that replay or inspect the stream.
 */
export async function readStreamRecords(
  stack: Pick<LocalStackHandle, 'deps'>,
): Promise<KinesisStreamRecord[]> {
  const { kinesis } = stack.deps.clients;
  const StreamName = stack.deps.names.telemetryStream;
  const out: KinesisStreamRecord[] = [];
  for (const shard of (await kinesis.send(new ListShardsCommand({ StreamName }))).Shards ?? []) {
    let iterator = (
      await kinesis.send(
        new GetShardIteratorCommand({
          StreamName,
          ShardId: shard.ShardId!,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    for (let page = 0; iterator && page < 50; page++) {
      const res = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const r of res.Records ?? []) {
        out.push(
          toLambdaRecord(r, shard.ShardId!, `arn:aws:kinesis:local:000000000000:stream/${StreamName}`),
        );
      }
      if ((res.Records ?? []).length === 0) break;
      iterator = res.NextShardIterator;
    }
  }
  return out;
}
