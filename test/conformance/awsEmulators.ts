import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** An emulator running as a child process of the test worker. */
export interface ExternalEmulator {
  name: string;
  /** What the SDK clients take as `endpoint`. */
  endpoint: string;
  /** The emulator's own process (Java's, node's), not a shell's. */
  pid: number;
  /** Spawn until the first successful API call. */
  startupMs: number;
  /** Kills the process (SIGTERM, then SIGKILL) and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
}

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const require = createRequire(import.meta.url);

/**
 * Children still running, with their scratch cleanup: the 'exit' hook kills them (and removes
 * their scratch directories) if a worker ends without `stop()`, e.g. after a failed hook.
 */
const live = new Map<ChildProcess, (() => void) | undefined>();
let exitHookInstalled = false;

function track(child: ChildProcess, cleanup: (() => void) | undefined): void {
  live.set(child, cleanup);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [c, clean] of live) {
      c.kill('SIGKILL');
      clean?.();
    }
  });
}

/** A port nothing listens on right now (the OS picks it; released before the child binds it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}

async function killAndWait(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Spawns `command`, then calls `ready` until it resolves (bounded by `timeoutMs`); fails at
 * once with the child's output if the child exits first. The child is killed on any failure.
 */
async function launch(opts: {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  endpoint: string;
  ready: () => Promise<unknown>;
  timeoutMs: number;
  cleanup?: () => void;
}): Promise<ExternalEmulator> {
  const started = Date.now();
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
  try {
    await spawned;
  } catch (err) {
    opts.cleanup?.();
    throw err;
  }
  track(child, opts.cleanup);

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= killAndWait(child, 5000).finally(() => opts.cleanup?.());
    return stopped;
  };
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `${opts.name} exited (${child.exitCode ?? child.signalCode}) before answering:\n${output}`,
        );
      }
      const ok = await opts.ready().then(
        () => true,
        () => false,
      );
      if (ok) break;
      if (Date.now() - started > opts.timeoutMs) {
        throw new Error(`${opts.name} did not answer within ${opts.timeoutMs} ms:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    name: opts.name,
    endpoint: opts.endpoint,
    pid: child.pid!,
    startupMs: Date.now() - started,
    stop,
  };
}

/** The directory of an installed package (resolved from this file, no machine paths). */
function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/**
 * AWS's DynamoDB Local (the jar shipped in `amplify-dynamodb-simulator`), in memory, on a free
 * port, under the machine's Java (`$JAVA_HOME/bin/java` if set). Ready when ListTables answers.
 */
export async function startDynamoDbLocal(timeoutMs = 60_000): Promise<ExternalEmulator> {
  const dir = join(packageDir('amplify-dynamodb-simulator'), 'emulator');
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    region: REGION,
    endpoint,
    credentials: CREDENTIALS,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 2000 }),
  });
  try {
    return await launch({
      name: 'DynamoDB Local',
      command: process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java',
      args: [
        '-Djava.library.path=./DynamoDBLocal_lib',
        // Two cores: a small heap and the serial collector keep the JVM out of the tests' way.
        '-Xmx512m',
        '-XX:+UseSerialGC',
        '-jar',
        'DynamoDBLocal.jar',
        '-inMemory',
        '-port',
        String(port),
      ],
      cwd: dir,
      endpoint,
      ready: () => client.send(new ListTablesCommand({})),
      timeoutMs,
    });
  } finally {
    client.destroy();
  }
}

/**
 * kinesis-local (kinesis-mock, what LocalStack runs), the Node build: it serves HTTPS with a
 * self-signed certificate and plain HTTP on a second port; the tests use the plain port, so the
 * production clients' NodeHttpHandler works unchanged. Ready when ListStreams answers.
 */
export async function startKinesisLocal(timeoutMs = 90_000): Promise<ExternalEmulator> {
  const dir = packageDir('kinesis-local');
  const [tlsPort, plainPort] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${plainPort}`;
  // kinesis-mock persists nothing unless told to; its working directory is a scratch one anyway.
  const scratch = mkdtempSync(join(tmpdir(), 'kinesis-local-'));
  const client = new KinesisClient({
    region: REGION,
    endpoint,
    credentials: CREDENTIALS,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 5000 }),
  });
  try {
    return await launch({
      name: 'kinesis-local',
      command: process.execPath,
      args: [join(dir, 'main.js')],
      cwd: scratch,
      env: {
        ...process.env,
        KINESIS_MOCK_CERT_PATH: join(dir, 'server.json'),
        KINESIS_MOCK_TLS_PORT: String(tlsPort),
        KINESIS_MOCK_PLAIN_PORT: String(plainPort),
        AWS_REGION: REGION,
        SHOULD_PERSIST_DATA: 'false',
        LOG_LEVEL: 'WARN',
        ROOT_LOG_LEVEL: 'ERROR',
      },
      endpoint,
      ready: () => client.send(new ListStreamsCommand({})),
      timeoutMs,
      cleanup: () => rmSync(scratch, { recursive: true, force: true }),
    });
  } finally {
    client.destroy();
  }
}
