import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

/** Records of finished deletion jobs are kept 30 days, then TTL removes them. */
export const DELETION_RECORD_RETENTION_S = 30 * 24 * 3600;

/** The tables a deletion job sweeps, in order. */
export type DeletionPhase = 'Buckets' | 'Ingest' | 'InsightsRaw';
export const DELETION_PHASES: readonly DeletionPhase[] = ['Buckets', 'Ingest', 'InsightsRaw'];

/** A deletion job as stored: its progress is what makes it resumable after a crash. */
export interface DeletionJob {
  requestId: string;
  status: 'pending' | 'done';
  /** Hashed device reference: whom the status may be shown to (kept after the job). */
  owner: string;
  /** Only while pending: the worker needs it to recompute the device's pseudonyms. */
  deviceId?: string;
  createdAtMs: number;
  deletedItems: number;
  /** The device's pseudonyms of every day whose key still exists, fixed at the job's start. */
  pseudonyms?: string[];
  phase?: DeletionPhase;
  /** ExclusiveStartKey of the next scan page of `phase`, JSON. */
  cursor?: string;
  /** Keys of the page being deleted (written before deleting, cleared when counted), JSON. */
  pending?: string;
  doneAtMs?: number;
}

/**
 * Deletion jobs, kept in the Identity table (the only table allowed to name a device):
 * `DEL#<id>/JOB` holds the job, `DELQ/<id>` queues it for the worker (one Query finds the
 * work), `DELDEV#<device>/ACTIVE` makes a second request while one is pending return the same id.
 */
export class DeletionStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Creates a job unless one is pending for the device; returns the pending or new request id. */
  async create(job: { requestId: string; deviceId: string; owner: string; nowMs: number }): Promise<string> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `DELDEV#${job.deviceId}`, sk: 'ACTIVE', requestId: job.requestId },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const active = await this.ddb.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: `DELDEV#${job.deviceId}`, sk: 'ACTIVE' },
          ConsistentRead: true,
        }),
      );
      return String(active.Item?.requestId);
    }
    const item: DeletionJob = {
      requestId: job.requestId,
      status: 'pending',
      owner: job.owner,
      deviceId: job.deviceId,
      createdAtMs: job.nowMs,
      deletedItems: 0,
    };
    await this.ddb.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: `DEL#${job.requestId}`, sk: 'JOB', ...item } }),
    );
    await this.ddb.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: 'DELQ', sk: job.requestId } }),
    );
    return job.requestId;
  }

  async get(requestId: string): Promise<DeletionJob | undefined> {
    const res = await this.ddb.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `DEL#${requestId}`, sk: 'JOB' },
        ConsistentRead: true,
      }),
    );
    if (!res.Item) return undefined;
    const { pk: _pk, sk: _sk, expiresAt: _e, ...job } = res.Item;
    return job as DeletionJob;
  }

  /** Request ids of queued jobs. */
  async queued(): Promise<string[]> {
    const res = await this.ddb.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :q',
        ExpressionAttributeValues: { ':q': 'DELQ' },
        ConsistentRead: true,
      }),
    );
    return (res.Items ?? []).map((i) => String(i.sk));
  }

  /** Saves progress: set the given fields, remove those given as undefined. */
  async progress(
    requestId: string,
    patch: {
      [K in 'pseudonyms' | 'phase' | 'cursor' | 'pending' | 'deletedItems']?: DeletionJob[K] | undefined;
    },
  ): Promise<void> {
    const set: string[] = [];
    const remove: string[] = [];
    const values: Record<string, unknown> = {};
    const names: Record<string, string> = {};
    for (const [k, v] of Object.entries(patch)) {
      names[`#${k}`] = k;
      if (v === undefined) remove.push(`#${k}`);
      else {
        set.push(`#${k} = :${k}`);
        values[`:${k}`] = v;
      }
    }
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `DEL#${requestId}`, sk: 'JOB' },
        UpdateExpression: [
          set.length ? `SET ${set.join(', ')}` : '',
          remove.length ? `REMOVE ${remove.join(', ')}` : '',
        ]
          .join(' ')
          .trim(),
        ExpressionAttributeNames: names,
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      }),
    );
  }

  /** Marks a job done: forgets the device id and pseudonyms, keeps the count, dequeues it. */
  async finish(job: DeletionJob, nowMs: number): Promise<void> {
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `DEL#${job.requestId}`, sk: 'JOB' },
        UpdateExpression:
          'SET #s = :done, doneAtMs = :t, expiresAt = :e REMOVE deviceId, pseudonyms, phase, #c, #p',
        ExpressionAttributeNames: { '#s': 'status', '#c': 'cursor', '#p': 'pending' },
        ExpressionAttributeValues: {
          ':done': 'done',
          ':t': nowMs,
          ':e': Math.floor(nowMs / 1000) + DELETION_RECORD_RETENTION_S,
        },
      }),
    );
    if (job.deviceId) {
      await this.ddb.send(
        new DeleteCommand({ TableName: this.tableName, Key: { pk: `DELDEV#${job.deviceId}`, sk: 'ACTIVE' } }),
      );
    }
    await this.ddb.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: 'DELQ', sk: job.requestId } }),
    );
  }
}
