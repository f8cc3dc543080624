import { serveCommand, startCommand } from './commands/serve.ts';

const USAGE = `usage: dashnet <command> [options]

  start                     local stack + simulated fleet + live map (= npm start)
  serve [--port N] [--data-dir D] [--faults SPEC]
                            the local stack alone (--faults: inject AWS faults, docs/reliability.md)
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
  edge ota --api URL --token T --camera-model M --firmware F (--key HEX ... | --local-keys DIR)
           [--kind K ...] [--name KIND=LINE ...] [--state DIR]
                            the camera's over-the-air updater once: fetch, verify, swap
  export --insurer ID --from T --to T --format csv|parquet --out DIR [--api URL]
                            an insurer's k-anonymous aggregate export, signed manifest
  coverage --bbox B [--from T --to T] [--api URL]
                            coverage of the real road network per road class
  soak --minutes N [--sample-s S] [--cameras N] [--speedup X] [--seed S] [--data-dir D]
       [--api URL --operator-token T]
                            steady simulated load; memory, iterator age, handles and data
                            size per minute, and a verdict
  faults [--cycles N] [--seed S] [--cameras N] [--batches N] [--faults SPEC]
                            crash harness: SIGKILL the stack at random points, restart,
                            check nothing was lost or counted twice
  artefact keygen|sign|publish|promote|rollback|status [options]
                            over-the-air artefacts: release keys, signing, staged rollout
  train [--curve] [--round] [--quick]
                            BADAS learning from the fleet: the learning curve, a training
                            round gated on held-out scenarios
  priors sign|inspect [options]
                            conflict-prior tiles: sign a candidate offline, inspect a tile
  night candidates [--out DIR] [--api URL] [--operator-token T]
                            night ISP profile candidates calibrated from the fleet
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
      if (rest[0] === 'ota') {
        const { edgeOtaCommand } = await import('./commands/edgeOta.ts');
        return edgeOtaCommand(rest.slice(1));
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
    case 'soak': {
      const { soakCommand } = await import('./commands/soak.ts');
      return soakCommand(rest);
    }
    case 'faults': {
      const { faultsCommand } = await import('./commands/faults.ts');
      return faultsCommand(rest);
    }
    case 'artefact': {
      const { artefactCommand } = await import('./commands/artefact.ts');
      return artefactCommand(rest);
    }
    case 'train': {
      const { trainCommand } = await import('./commands/train.ts');
      return trainCommand(rest);
    }
    case 'priors': {
      const { priorsCommand } = await import('./commands/priors.ts');
      return priorsCommand(rest);
    }
    case 'night': {
      const { nightCommand } = await import('./commands/night.ts');
      return nightCommand(rest);
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
