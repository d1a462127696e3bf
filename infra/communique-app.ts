// The stacks of one stage and their dependencies, plus cdk-nag; shared by app.ts and the infra tests.
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stackName } from '../shared/deployment.js';
import type { SiteFile } from '../shared/site/shell.js';
import type { ResolvedConfig } from './config.js';
import { SEND_JOB_WAIT_LIMIT } from './email-jobs.js';
import { ApiStack } from './stacks/api-stack.js';
import { DataStack } from './stacks/data-stack.js';
import { EmailStack } from './stacks/email-stack.js';
import { OpsStack } from './stacks/ops-stack.js';
import { PipelineStack } from './stacks/pipeline-stack.js';
import { SiteStack } from './stacks/site-stack.js';

export function buildCommuniqueApp(app: App, config: ResolvedConfig, shell: SiteFile[]) {
  const env = config.account || config.region ? { account: config.account, region: config.region } : undefined;
  const common = { config, ...(env ? { env } : {}), tags: { project: 'communique', stage: config.stage } };
  const data = new DataStack(app, stackName(config.stage, 'Data'), { ...common, description: 'Communiqué: table and content bucket' });
  const email = new EmailStack(app, stackName(config.stage, 'Email'), {
    ...common,
    data,
    description: 'Communiqué: SES, feedback, send jobs and subscribe requests',
  });
  const api = new ApiStack(app, stackName(config.stage, 'Api'), { ...common, data, email, description: 'Communiqué: submissions API' });
  const site = new SiteStack(app, stackName(config.stage, 'Site'), {
    ...common,
    data,
    apiDomain: api.apiDomain,
    originSecret: api.originSecret,
    shell,
    description: 'Communiqué: site bucket and CloudFront',
  });
  const pipeline = new PipelineStack(app, stackName(config.stage, 'Pipeline'), {
    ...common,
    data,
    site,
    email,
    description: 'Communiqué: outbox relay and consumers',
  });
  const ops = new OpsStack(app, stackName(config.stage, 'Ops'), {
    ...common,
    api,
    functions: [
      api.function,
      api.embargoes.function,
      pipeline.relay,
      ...pipeline.consumers.map((c) => c.function),
      pipeline.emailJobs.function,
      pipeline.digests,
      email.suppressor.function,
    ],
    relay: { function: pipeline.relay, deadLetterQueue: pipeline.relayDeadLetters },
    consumers: [
      ...pipeline.consumers,
      // The Email stack's queues, worked by the Pipeline stack's email-jobs. A confirmation should go out
      // within minutes: its queue has the default limit.
      {
        name: pipeline.emailJobs.name,
        queue: email.jobs,
        deadLetterQueue: email.jobsDeadLetters,
        oldestMessageLimit: SEND_JOB_WAIT_LIMIT,
      },
      { name: 'email-notices', consumer: pipeline.emailJobs.name, queue: email.notices, deadLetterQueue: email.noticesDeadLetters },
      email.suppressor,
    ],
    description: 'Communiqué: alarms',
  });
  api.addStackDependency(data);
  api.addStackDependency(email);
  site.addStackDependency(api);
  email.addStackDependency(data);
  pipeline.addStackDependency(site);
  pipeline.addStackDependency(email);
  ops.addStackDependency(pipeline);

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { data, api, site, email, pipeline, ops };
}
