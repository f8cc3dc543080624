import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

export interface DeviceProfile {
  deviceId: string;
  createdAtMs: number;
  consent?: { network: boolean; atMs: number; version: number };
}

/** Per-day pseudonym keys live 30 days, then TTL destroys them and old pseudonyms become unlinkable. */
export const DAY_KEY_RETENTION_S = 30 * 24 * 3600;

/**
 * Devices, token hashes, consent and per-day keys. The only store that knows device ids; a
 * token is stored only as its SHA-256 hash.
 */
export class IdentityStore {
  private readonly keyCache = new Map<string, string>();

  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createDevice(deviceId: string, tokenHash: string, nowMs: number): Promise<void> {
    await this.ddb.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `DEV#${deviceId}`, sk: 'PROFILE', deviceId, createdAtMs: nowMs },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    await this.ddb.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `TOK#${tokenHash}`, sk: 'TOKEN', deviceId, createdAtMs: nowMs },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /** The device a token hash belongs to, or undefined. */
  async deviceForToken(tokenHash: string): Promise<string | undefined> {
    return (await this.tokenGrant(tokenHash))?.deviceId;
  }

  /**
   * The device and its network consent behind a token, in one read: the consent flag is kept on
   * the token item too, so ingest authenticates and checks consent with a single GetItem.
   */
  async tokenGrant(tokenHash: string): Promise<{ deviceId: string; network: boolean } | undefined> {
    const res = await this.ddb.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `TOK#${tokenHash}`, sk: 'TOKEN' },
        ConsistentRead: true,
      }),
    );
    if (!res.Item || res.Item.revokedAtMs) return undefined;
    return { deviceId: String(res.Item.deviceId), network: res.Item.network === true };
  }

  async profile(deviceId: string): Promise<DeviceProfile | undefined> {
    const res = await this.ddb.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `DEV#${deviceId}`, sk: 'PROFILE' } }),
    );
    if (!res.Item) return undefined;
    const p: DeviceProfile = { deviceId, createdAtMs: Number(res.Item.createdAtMs) };
    if (res.Item.consentNetwork !== undefined) {
      p.consent = {
        network: res.Item.consentNetwork === true,
        atMs: Number(res.Item.consentAtMs),
        version: Number(res.Item.consentVersion),
      };
    }
    return p;
  }

  /**
   * Records the device's consent, with time and a version that only grows, on the profile and
   * on the token item ingest reads. The token is written first, so from the moment this
   * returns an opted-out device's batches are refused.
   */
  async setConsent(
    deviceId: string,
    tokenHash: string,
    network: boolean,
    nowMs: number,
  ): Promise<NonNullable<DeviceProfile['consent']>> {
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `TOK#${tokenHash}`, sk: 'TOKEN' },
        UpdateExpression: 'SET network = :n',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':n': network },
      }),
    );
    const res = await this.ddb.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `DEV#${deviceId}`, sk: 'PROFILE' },
        UpdateExpression:
          'SET consentNetwork = :n, consentAtMs = :t, consentVersion = if_not_exists(consentVersion, :zero) + :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':n': network, ':t': nowMs, ':zero': 0, ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { network, atMs: nowMs, version: Number(res.Attributes?.consentVersion ?? 1) };
  }

  /**
   * The secret key of a named period (a UTC day for pseudonyms), created at random on first
   * use. A conditional put makes concurrent first uses agree on one key.
   */
  async periodKey(name: string, newKey: () => string, expiresAtS: number | undefined): Promise<string> {
    const cached = this.keyCache.get(name);
    if (cached) return cached;
    const key = { pk: `KEY#${name}`, sk: 'KEY' };
    const existing = await this.ddb.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    let secret = existing.Item?.secret as string | undefined;
    if (!secret) {
      const candidate = newKey();
      try {
        await this.ddb.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...key, secret: candidate, expiresAt: expiresAtS },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        secret = candidate;
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
        const again = await this.ddb.send(
          new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
        );
        secret = String(again.Item?.secret);
      }
    }
    this.keyCache.set(name, secret);
    return secret;
  }
}
