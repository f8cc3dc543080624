import { serveCommand, startCommand } from './commands/serve.ts';

const USAGE = `usage: dashnet <command> [options]

  start                     local stack + simulated fleet + live map (= npm start)
  serve [--port N] [--data-dir D]
                            the local stack alone
  simulate --api URL [--cameras N] [--minutes M] [--seed S]
                            drive a simulated fleet against any running stack
  edge replay --gps FILE [--imu FILE] [--frames FILE] [--home LAT,LNG ...] [--out FILE]
              [--record FILE]
                            run the camera pipeline on recorded sensor logs; --frames adds
                            per-frame lead kinematics for BADAS, --record also writes the
                            unredacted device-local record
  edge badas --in FILE [--out FILE] [--runtime portable|ort]
                            collision anticipation on per-frame lead kinematics (CSV)
  edge detect --image FILE [--min-score S]
                            run the camera's object detector on one JPEG or PNG
  export --insurer ID --from T --to T --format csv|parquet --out DIR [--api URL]
                            an insurer's k-anonymous aggregate export, signed manifest
  coverage --bbox B [--from T --to T] [--api URL]
                            coverage of the real road network per road class
  bench [--only NAME,...]   benchmarks; prints a table and writes bench/results.json
  audit verify --api URL [--operator-token T]
                            verify the hash-chained audit log`;

/** Dispatches a `dashnet` command; resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return startCommand(rest);
    case 'serve':
      return serveCommand(rest);
    case 'simulate': {
      const { simulateCommand } = await import('./commands/simulate.ts');
      return simulateCommand(rest);
    }
    case 'edge': {
      if (rest[0] === 'replay') {
        const { edgeReplayCommand } = await import('./commands/edgeReplay.ts');
        return edgeReplayCommand(rest.slice(1));
      }
      if (rest[0] === 'badas') {
        const { edgeBadasCommand } = await import('./commands/edgeBadas.ts');
        return edgeBadasCommand(rest.slice(1));
      }
      if (rest[0] === 'detect') {
        const { edgeDetectCommand } = await import('./commands/edgeDetect.ts');
        return edgeDetectCommand(rest.slice(1));
      }
      return usage(`unknown edge command '${rest[0] ?? ''}'`);
    }
    case 'export': {
      const { exportCommand } = await import('./commands/export.ts');
      return exportCommand(rest);
    }
    case 'coverage': {
      const { coverageCommand } = await import('./commands/coverage.ts');
      return coverageCommand(rest);
    }
    case 'audit': {
      const { auditCommand } = await import('./commands/audit.ts');
      return auditCommand(rest);
    }
    case 'bench': {
      const { benchCommand } = await import('./commands/bench.ts');
      return benchCommand(rest);
    }
    case undefined:
      return usage('a command is required');
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      return usage(`unknown command '${command}'`);
  }
}

/** Bad arguments: one line saying why, exit 2 (contract §1). */
function usage(reason: string): number {
  process.stderr.write(`dashnet: ${reason} (see 'dashnet help')\n`);
  return 2;
}
