import 'reflect-metadata';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { mqttTopics } from '@vigil/contracts';
import { ConfigError, parseEnv } from '@vigil/config';
import { DEVICE_KINDS, openDatabase, RegistryError } from '@vigil/storage';
import { registerKafkaTopicsCommand } from './cli/kafka-topics.command';
import { embeddedPostgresUrl } from './embedded/embedded-postgres.client';
import { provisionDevice } from './provisioning/provision-device';
import { readRuntimeInfo } from './runtime-file';

/** `npm run vigil -- <command>`: operator tasks against the database the running platform uses. */
async function main(): Promise<void> {
  const env = parseEnv();
  const stateDir = path.resolve(process.cwd(), env.VIGIL_DATA_DIR);
  const databaseUrl = async (): Promise<string> => {
    const url = env.DATABASE_URL ?? (await embeddedPostgresUrl(stateDir, env.EMBEDDED_POSTGRES_PORT));
    if (!url) throw new Error('no database: set DATABASE_URL, or start the platform with `npm start` first');
    return url;
  };
  const program = new Command('vigil').description('Vigil operator commands').showHelpAfterError();

  program
    .command('provision-device')
    .description('provision a device (prints its id and secret, once) and optionally bind it to a patient')
    .requiredOption('--kind <kind>', `one of ${DEVICE_KINDS.join(', ')}`, (value: string) => {
      if (!(DEVICE_KINDS as readonly string[]).includes(value))
        throw new InvalidArgumentError(`one of ${DEVICE_KINDS.join(', ')}`);
      return value;
    })
    .option(
      '--bind <patient>',
      'patient id or NHS number of an admitted patient to bind the device to, from now',
    )
    .option('--id <deviceId>', 'device id (default: generated from the kind)')
    .option('--serial <serial>', "the device's serial number")
    .action(async (opts: { kind: string; bind?: string; id?: string; serial?: string }) => {
      const dataSource = await openDatabase({
        url: await databaseUrl(),
        poolSize: 1,
        applicationName: 'vigil-cli',
      }).catch((error: Error) => {
        throw new Error(
          `cannot reach the database (${error.message}); ${env.DATABASE_URL ? 'check DATABASE_URL' : 'is `npm start` running?'}`,
        );
      });
      try {
        // The broker account ingest signs in with is no device's to take (its ACL reads every device's topics).
        const result = await provisionDevice(dataSource, opts, { serviceAccounts: [env.MQTT_USERNAME] });
        const runtime = await readRuntimeInfo(stateDir);
        const broker = env.MQTT_URL ?? runtime?.mqttUrl ?? 'mqtt://127.0.0.1:1883';
        const { hostname, port } = new URL(broker);
        const out = [
          `device id: ${result.deviceId}`,
          `secret:    ${result.secret}`,
          '(the secret is shown only now; store it on the device. Lost: provision a new device.)',
          result.patientId ? `bound to patient ${result.patientId} from now` : 'not bound to a patient yet',
          `MQTT: ${broker}  username = device id, password = secret, publish QoS 1 to ${mqttTopics.readings(result.deviceId)}`,
          `try:  mosquitto_pub -h ${hostname} -p ${port || 1883} -q 1 -u ${result.deviceId} -P '${result.secret}' -t ${mqttTopics.readings(result.deviceId)} -m '<envelope, see docs/device-protocol.md>'`,
        ];
        if (env.MQTT_URL) {
          out.push(
            `Mosquitto: add the credential to its password file and reload it: mosquitto_passwd -b passwd ${result.deviceId} '<secret>' && kill -HUP <mosquitto pid>`,
          );
        }
        console.log(out.join('\n'));
      } finally {
        await dataSource.destroy();
      }
    });

  program
    .command('migrate')
    .description('apply pending database migrations and exit (every service also does this at start)')
    .action(async () => {
      const dataSource = await openDatabase({
        url: await databaseUrl(),
        poolSize: 1,
        applicationName: 'vigil-migrate',
      });
      const applied: { name: string }[] = await dataSource.query(
        'SELECT name FROM schema_migrations ORDER BY id DESC LIMIT 1',
      );
      await dataSource.destroy();
      console.log(`database is up to date (latest migration: ${applied[0]?.name ?? 'none'})`);
    });

  registerKafkaTopicsCommand(program, env);

  await program.parseAsync(process.argv);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof RegistryError || error instanceof Error) {
    console.error(`vigil: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
