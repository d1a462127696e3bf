// EncryptedTopic: an SNS topic under its own rotating KMS key, TLS only, that the named AWS services
// (e.g. SES, CloudWatch) may publish to.
import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface EncryptedTopicProps {
  topicName: string;
  /** Service principals that publish, such as "ses.amazonaws.com"; they need the key. */
  publishingServices?: string[];
}

export class EncryptedTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: EncryptedTopicProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', { alias: `alias/${props.topicName}`, enableKeyRotation: true });
    for (const service of props.publishingServices ?? []) {
      this.key.addToResourcePolicy(
        new PolicyStatement({
          actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          principals: [new ServicePrincipal(service)],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
      );
    }
    this.topic = new Topic(this, 'Topic', { topicName: props.topicName, masterKey: this.key, enforceSSL: true });
  }
}
