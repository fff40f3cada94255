import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const serverUrl = process.env.DIDHUB_TEST_SERVER_URL;
  const database = process.env.DIDHUB_TEST_DATABASE;
  if (serverUrl && database) {
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
  const snapshot = process.env.DIDHUB_TEST_SNAPSHOT;
  if (snapshot) rmSync(dirname(snapshot), { recursive: true, force: true });
}
