// Email: the SES identity and configuration set; bounces and complaints feed suppress-addresses.
import { Stack, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  ConfigurationSet,
  ConfigurationSetEventDestination,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { bucketName, type ResolvedConfig } from '../config.js';
import { QueueConsumer } from '../constructs/queue-consumer.js';
import type { DataStack } from './data-stack.js';
import { grantTable, logRetention, TABLE_READ } from './grants.js';

export interface EmailStackProps extends StackProps {
  config: ResolvedConfig;
  data: DataStack;
}

export class EmailStack extends Stack {
  readonly configurationSet: ConfigurationSet;
  readonly configurationSetArn: string;
  readonly identityArn: string;
  readonly suppressor: QueueConsumer;

  constructor(scope: Construct, id: string, props: EmailStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    const identity = new EmailIdentity(this, 'Sender', {
      identity: config.sesIdentity.includes('@') ? Identity.email(config.sesIdentity) : Identity.domain(config.sesIdentity),
    });
    this.identityArn = `arn:${this.partition}:ses:${this.region}:${this.account}:identity/${identity.emailIdentityName}`;
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: config.prefix,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSetArn = `arn:${this.partition}:ses:${this.region}:${this.account}:configuration-set/${this.configurationSet.configurationSetName}`;

    const key = new Key(this, 'FeedbackKey', { alias: `alias/${config.prefix}-email-feedback`, enableKeyRotation: true });
    // SES publishes to the encrypted topic: it needs the key.
    key.addToResourcePolicy(
      new PolicyStatement({
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    const feedback = new Topic(this, 'Feedback', { topicName: `${config.prefix}-email-feedback`, masterKey: key, enforceSSL: true });
    new ConfigurationSetEventDestination(this, 'BouncesAndComplaints', {
      configurationSet: this.configurationSet,
      destination: EventDestination.snsTopic(feedback),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });

    this.suppressor = new QueueConsumer(this, 'suppress-addresses', {
      name: 'suppress-addresses',
      prefix: config.prefix,
      topic: feedback,
      environment: { TABLE_NAME: data.table.tableName, CONTENT_BUCKET: bucketName(config, 'content') },
      logRetention: logRetention(config.logRetentionDays),
    });
    grantTable(this.suppressor.function.role, data.table, [...TABLE_READ, 'dynamodb:PutItem']);
  }
}
