import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { LegalRequest } from '../../lib/privacy/legalRequest.ts';

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
        Item: { pk: `DEV#${deviceId}`, sk: 'PROFILE', deviceId, createdAtMs: nowMs, tokenHash },
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

  /**
   * Replaces a device's token: the new hash is written first (carrying the consent flag), then
   * the profile points at it, then the old token item is deleted — from that moment the old
   * token answers 401. The pseudonym depends on the device id, not the token, so rotating does
   * not give a device a second identity in the counts. Returns false for an unknown or revoked device.
   */
  async rotateToken(deviceId: string, newHash: string, nowMs: number): Promise<boolean> {
    const profile = await this.rawProfile(deviceId);
    if (!profile || profile.revokedAtMs || typeof profile.tokenHash !== 'string') return false;
    const old = await this.ddb.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `TOK#${profile.tokenHash}`, sk: 'TOKEN' },
        ConsistentRead: true,
      }),
    );
    await this.ddb.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `TOK#${newHash}`,
          sk: 'TOKEN',
          deviceId,
          createdAtMs: nowMs,
          network: old.Item?.network === true,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `DEV#${deviceId}`, sk: 'PROFILE' },
        UpdateExpression: 'SET tokenHash = :n, tokenRotatedAtMs = :t',
        ExpressionAttributeValues: { ':n': newHash, ':t': nowMs },
      }),
    );
    await this.deleteToken(profile.tokenHash);
    return true;
  }

  /** Revokes a device: its token item is deleted (401 at once), the profile marked revoked. */
  async revokeDevice(deviceId: string, nowMs: number): Promise<boolean> {
    const profile = await this.rawProfile(deviceId);
    if (!profile || profile.revokedAtMs) return false;
    if (typeof profile.tokenHash === 'string') await this.deleteToken(profile.tokenHash);
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `DEV#${deviceId}`, sk: 'PROFILE' },
        UpdateExpression: 'SET revokedAtMs = :t REMOVE tokenHash',
        ExpressionAttributeValues: { ':t': nowMs },
      }),
    );
    return true;
  }

  private async deleteToken(tokenHash: string): Promise<void> {
    await this.ddb.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: `TOK#${tokenHash}`, sk: 'TOKEN' } }),
    );
  }

  private async rawProfile(deviceId: string): Promise<Record<string, unknown> | undefined> {
    const res = await this.ddb.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `DEV#${deviceId}`, sk: 'PROFILE' },
        ConsistentRead: true,
      }),
    );
    return res.Item;
  }

  /** Registers a credential (insurer API key, staff token) by its hash only. */
  async putCredential(kind: 'APIKEY' | 'STAFF', hash: string, attrs: CredentialAttrs): Promise<void> {
    await this.ddb.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `${kind}#${hash}`, sk: kind, ...attrs },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /** The principal behind a credential hash, or undefined. */
  async credential(kind: 'APIKEY' | 'STAFF', hash: string): Promise<CredentialAttrs | undefined> {
    const res = await this.ddb.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `${kind}#${hash}`, sk: kind } }),
    );
    if (!res.Item || res.Item.revokedAtMs) return undefined;
    return {
      id: String(res.Item.id),
      role: String(res.Item.role),
      name: String(res.Item.name),
      createdAtMs: Number(res.Item.createdAtMs),
      ...(res.Item.regions ? { regions: res.Item.regions as number[][] } : {}),
    };
  }

  /**
   * The secret key of a period if it still exists (never creates one): deletion and legal
   * exports recompute a device's past pseudonyms only while the day keys live.
   */
  async existingPeriodKey(name: string, nowMs: number): Promise<string | undefined> {
    const res = await this.ddb.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `KEY#${name}`, sk: 'KEY' },
        ConsistentRead: true,
      }),
    );
    const item = res.Item;
    if (!item || typeof item.secret !== 'string') return undefined;
    // TTL deletion lags (up to days on AWS): an expired key counts as destroyed.
    if (typeof item.expiresAt === 'number' && item.expiresAt * 1000 < nowMs) return undefined;
    return item.secret;
  }

  /** Stores a legal request (the only Identity item that names a device for staff). */
  async putLegalRequest(request: LegalRequestItem): Promise<void> {
    await this.ddb.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `LEGAL#${request.requestId}`, sk: 'REQUEST', ...request },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async legalRequest(requestId: string): Promise<LegalRequestItem | undefined> {
    const res = await this.ddb.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `LEGAL#${requestId}`, sk: 'REQUEST' },
        ConsistentRead: true,
      }),
    );
    if (!res.Item) return undefined;
    const { pk: _pk, sk: _sk, ...rest } = res.Item;
    return rest as LegalRequestItem;
  }

  /** Approves a pending legal request; false if it was not pending (already approved or unknown). */
  async approveLegalRequest(requestId: string, approvedBy: string, nowMs: number): Promise<boolean> {
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `LEGAL#${requestId}`, sk: 'REQUEST' },
          UpdateExpression: 'SET #s = :approved, approvedBy = :by, approvedAtMs = :t',
          ConditionExpression: '#s = :pending AND recordedBy <> :by',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':approved': 'approved',
            ':pending': 'pending',
            ':by': approvedBy,
            ':t': nowMs,
          },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }
}

/** A non-device principal's record, keyed by its credential's hash. */
export interface CredentialAttrs {
  id: string;
  role: string;
  name: string;
  createdAtMs: number;
  regions?: number[][];
}

/** A recorded legal request, as stored (the use case's own type, `lib/privacy/legalRequest.ts`). */
export type LegalRequestItem = LegalRequest;
