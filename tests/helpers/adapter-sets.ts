// The two adapter sets every contract suite runs on: the embedded default and the AWS adapters on
// dynalite and s3rver. Each `make` gives a fresh platform with the demo parties; `stop` ends them all.
import fs from 'node:fs';
import { S3ObjectStore } from '../../shared/adapters/aws/s3-store.js';
import { FileObjectStore } from '../../shared/adapters/local/file-store.js';
import type { Platform } from '../../shared/platform.js';
import type { ObjectStore } from '../../shared/ports.js';
import { awsDeps } from '../../shared/runtime/aws.js';
import { type AwsTestServers, startAwsTestServers } from './aws-servers.js';
import { DEMO_PARTIES } from './factories.js';
import { aLocalPlatform, tempDir } from './local-platform.js';

export interface AdapterSet {
  name: string;
  make: () => Promise<Platform>;
  /** Another, empty site store of the same kind (a second directory, a second bucket). */
  makeStore: () => Promise<ObjectStore>;
}

export function adapterSets(): { sets: AdapterSet[]; start(): Promise<void>; stop(): Promise<void> } {
  let servers: AwsTestServers | undefined;
  const cleanups: Array<() => void> = [];
  return {
    async start() {
      servers = await startAwsTestServers();
    },
    async stop() {
      for (const c of cleanups.splice(0)) c();
      await servers?.stop();
    },
    sets: [
      {
        name: 'embedded adapters (SQLite, files)',
        make: async () => {
          const p = await aLocalPlatform();
          cleanups.push(p.cleanup);
          return p;
        },
        makeStore: async () => {
          const dir = tempDir('communique-store-');
          cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
          return new FileObjectStore(dir);
        },
      },
      {
        name: 'AWS adapters (DynamoDB on dynalite, S3 on s3rver)',
        make: async () => {
          if (!servers) throw new Error('call start() in beforeAll first');
          const p = awsDeps(
            {
              TABLE_NAME: await servers.newTable(),
              CONTENT_BUCKET: await servers.newBucket(),
              SITE_BUCKET: await servers.newBucket(),
              SITE_URL: 'http://localhost:3000',
              MAIL_FROM: 'statements@example.org',
              S3_FORCE_PATH_STYLE: 'true',
            },
            { dynamo: servers.dynamo, s3: servers.s3 },
          );
          for (const party of DEMO_PARTIES) await p.parties.put(party);
          return p;
        },
        makeStore: async () => {
          if (!servers) throw new Error('call start() in beforeAll first');
          return new S3ObjectStore(servers.s3, await servers.newBucket());
        },
      },
    ],
  };
}
