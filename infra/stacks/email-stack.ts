// Email: the SES identity and configuration set; bounces and complaints feed suppress-addresses.
import { Stack, type StackProps } from 'aws-cdk-lib';
import {
  ConfigurationSet,
  ConfigurationSetEventDestination,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { bucketName, type ResolvedConfig } from '../config.js';
import { EncryptedTopic } from '../constructs/encrypted-topic.js';
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

    const feedback = new EncryptedTopic(this, 'Feedback', {
      topicName: `${config.prefix}-email-feedback`,
      publishingServices: ['ses.amazonaws.com'],
    }).topic;
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
