// Email: the SES sender identity (imported, or created with its DKIM records shown) and configuration
// set; bounces and complaints feed suppress-addresses; the queues email-jobs works (EmailJobs: mailings'
// send jobs; EmailNotices: readers' subscribe requests), here because the API, deployed before the Pipeline
// stack whose email-jobs function works them, sends to EmailNotices.
import { Aws, CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  ConfigurationSet,
  ConfigurationSetEventDestination,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { bucketName, mailFromAddress, type ResolvedConfig } from '../config.js';
import { EncryptedTopic } from '../constructs/encrypted-topic.js';
import { createWorkQueue } from '../constructs/job-queue-consumer.js';
import { QueueConsumer } from '../constructs/queue-consumer.js';
import { EMAIL_JOBS_TIMEOUT } from '../email-jobs.js';
import type { DataStack } from './data-stack.js';
import { functionLogs, grantTable, grantTableOnLeadingKeys, TABLE_READ } from './grants.js';

export interface EmailStackProps extends StackProps {
  config: ResolvedConfig;
  data: DataStack;
}

const SEND = ['ses:SendEmail', 'ses:SendRawEmail'];

export class EmailStack extends Stack {
  readonly configurationSet: ConfigurationSet;
  readonly configurationSetArn: string;
  readonly identityArn: string;
  /** The bare address of mailFrom: the only From: the senders may use. */
  readonly senderAddress: string;
  readonly suppressor: QueueConsumer;
  /**
   * The queue of send jobs: mailings planned (send-emails, digests) and the rest of a job cut short
   * (email-jobs itself), worked through by email-jobs in the Pipeline stack.
   */
  readonly jobs: Queue;
  readonly jobsDeadLetters: Queue;
  /**
   * Readers' subscribe requests (the API), which email-jobs stores and confirms by mail through an event
   * source of their own: a confirmation never waits behind a 100,000-recipient mailing's send jobs.
   */
  readonly notices: Queue;
  readonly noticesDeadLetters: Queue;

  constructor(scope: Construct, id: string, props: EmailStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    this.senderAddress = mailFromAddress(config.mailFrom) as string;
    const identityName = this.createOrImportIdentity(config);
    this.identityArn = this.sesArn(`identity/${identityName}`);

    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSetArn = this.sesArn(`configuration-set/${this.configurationSet.configurationSetName}`);

    const feedback = new EncryptedTopic(this, 'Feedback', {
      description: 'Communiqué: SES bounce and complaint events',
      publishers: [{ service: 'ses.amazonaws.com', sourceArn: this.configurationSetArn }],
    }).topic;
    new ConfigurationSetEventDestination(this, 'BouncesAndComplaints', {
      configurationSet: this.configurationSet,
      destination: EventDestination.snsTopic(feedback),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });

    this.suppressor = new QueueConsumer(this, 'suppress-addresses', {
      name: 'suppress-addresses',
      topic: feedback,
      environment: { TABLE_NAME: data.table.tableName, CONTENT_BUCKET: bucketName(config, 'content') },
      logs: functionLogs(config),
    });
    grantTable(this.suppressor.function.role, data.table, TABLE_READ);
    // A suppressed subscriber is unsubscribed: its item and address claim rewritten, its bucket entries
    // deleted, the day's count of suppressions raised.
    grantTableOnLeadingKeys(
      this.suppressor.function.role,
      data.table,
      ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      ['SUB#*', 'SUBEMAIL#*', 'SUBIDX#*', 'EMAILSTATS'],
    );

    const jobs = createWorkQueue(new Construct(this, 'EmailJobs'), EMAIL_JOBS_TIMEOUT);
    this.jobs = jobs.queue;
    this.jobsDeadLetters = jobs.deadLetterQueue;
    new CfnOutput(this, 'EmailJobsQueueUrl', {
      value: this.jobs.queueUrl,
      description: 'The queue of send jobs (email-jobs): what it holds is mail still to send.',
    });
    new CfnOutput(this, 'EmailJobsDeadLetterQueueName', {
      value: this.jobsDeadLetters.queueName,
      description:
        'Send jobs that failed five times: redrive them to EmailJobsQueueUrl once the cause is fixed (the send ledger keeps anyone from being mailed twice).',
    });

    const notices = createWorkQueue(new Construct(this, 'EmailNotices'), EMAIL_JOBS_TIMEOUT);
    this.notices = notices.queue;
    this.noticesDeadLetters = notices.deadLetterQueue;
    new CfnOutput(this, 'EmailNoticesQueueUrl', {
      value: this.notices.queueUrl,
      description: "Readers' subscribe requests (the API), stored and confirmed by mail by email-jobs.",
    });
    new CfnOutput(this, 'EmailNoticesDeadLetterQueueName', {
      value: this.noticesDeadLetters.queueName,
      description: 'Subscribe requests that failed five times: redrive them to EmailNoticesQueueUrl once the cause is fixed.',
    });
  }

  /**
   * By default the identity exists already (verified by hand, as the README says) and is only named;
   * with createSesIdentity the stack creates it, and a domain's DKIM records become outputs to publish.
   */
  private createOrImportIdentity(config: ResolvedConfig): string {
    const isAddress = config.sesIdentity.includes('@');
    if (!config.createSesIdentity) return config.sesIdentity;
    const identity = new EmailIdentity(this, 'Sender', {
      identity: isAddress ? Identity.email(config.sesIdentity) : Identity.domain(config.sesIdentity),
    });
    if (!isAddress) {
      identity.dkimRecords.forEach((r, i) => {
        new CfnOutput(this, `DkimRecord${i + 1}`, {
          value: `${r.name} CNAME ${r.value}`,
          description: `DKIM record ${i + 1} of 3 to create in the DNS of ${config.sesIdentity} (Easy DKIM)`,
        });
      });
    }
    return identity.emailIdentityName;
  }

  private sesArn(resource: string): string {
    // Pseudo parameters even where the stage pins account and region: one form in policies and findings.
    return `arn:${Aws.PARTITION}:ses:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;
  }

  /**
   * Sends as mailFrom only. In the SES sandbox SES also authorises the call on each recipient's identity,
   * so the grant covers every identity of the account and region, bound to the sender by ses:FromAddress.
   */
  grantSend(grantee: Construct & IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: SEND,
        resources: [this.sesArn('identity/*')],
        conditions: { StringEquals: { 'ses:FromAddress': this.senderAddress } },
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: SEND, resources: [this.configurationSetArn] }));
    Validations.of(grantee).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
      reason:
        'In the SES sandbox each recipient is an identity SES authorises too; the condition ses:FromAddress limits every send to the configured sender address.',
    });
  }
}
