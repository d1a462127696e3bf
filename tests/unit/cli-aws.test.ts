// The CLI against a deployed stage: the Data stack's outputs name the table (CloudFormation is the one
// call stubbed), and parties and keys are written to DynamoDB on dynalite.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoPartyRepository, DynamoPressKeyRepository } from '../../shared/adapters/aws/dynamo-catalog.js';
import { runCli } from '../../shared/cli/program.js';
import { parsePressKey, secretMatches } from '../../shared/domain/press-key.js';
import { tableRef } from '../../shared/runtime/aws.js';
import { type AwsTestServers, startAwsTestServers } from '../helpers/aws-servers.js';
import { partiesAddArgs } from '../helpers/factories.js';

let servers: AwsTestServers;
let tableName: string;
const asked: string[] = [];
const cloudFormation = {
  send: async (command: { input: { StackName: string } }) => {
    asked.push(command.input.StackName);
    if (command.input.StackName !== 'Communique-dev-Data') {
      throw Object.assign(new Error(`Stack with id ${command.input.StackName} does not exist`), { name: 'ValidationError' });
    }
    return { Stacks: [{ StackName: 'Communique-dev-Data', Outputs: [{ OutputKey: 'TableName', OutputValue: tableName }] }] };
  },
};

beforeAll(async () => {
  servers = await startAwsTestServers();
  tableName = await servers.newTable();
});
afterAll(async () => {
  await servers.stop();
});

async function cli(args: string[]) {
  const lines: string[] = [];
  const errors: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((l: string) => {
    errors.push(l);
  });
  const code = await runCli(args, (l) => lines.push(l), { cloudFormation: cloudFormation as never, dynamo: servers.dynamo });
  spy.mockRestore();
  return { code, lines, errors };
}

describe('communique --target aws --stage dev', () => {
  it('adds a party to the stage’s table, read from the Data stack outputs', async () => {
    const r = await cli(['--target', 'aws', '--stage', 'dev', ...partiesAddArgs()]);
    expect(r.code).toBe(0);
    expect(asked.at(-1)).toBe('Communique-dev-Data');
    const party = await new DynamoPartyRepository(tableRef(servers.dynamo, tableName)).get('kke');
    expect(party?.name).toBe('Communist Party of Greece');
  });

  it('issues a press key that verifies against the record in DynamoDB', async () => {
    const r = await cli(['--target', 'aws', '--stage', 'dev', 'keys', 'issue', '--party', 'kke', '--name', 'operator laptop']);
    expect(r.code).toBe(0);
    const parsed = parsePressKey(r.lines.at(-1) as string);
    const record = await new DynamoPressKeyRepository(tableRef(servers.dynamo, tableName)).get(parsed?.keyId as string);
    expect(record?.party).toBe('kke');
    expect(secretMatches(record as never, parsed?.secret as string)).toBe(true);
  });

  it('says how to deploy when the stage has no stack, and needs --stage', async () => {
    const missing = await cli(['--target', 'aws', '--stage', 'prod', 'parties', 'list']);
    expect(missing.code).toBe(2);
    expect(missing.errors[0]).toContain('npx cdk deploy --all -c stage=prod');
    const noStage = await cli(['--target', 'aws', 'parties', 'list']);
    expect(noStage.code).toBe(2);
    expect(noStage.errors[0]).toContain('--stage');
  });
});
