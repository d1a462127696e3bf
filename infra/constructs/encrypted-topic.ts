// EncryptedTopic: an SNS topic under its own rotating KMS key, TLS only, that the named AWS services
// (e.g. SES, CloudWatch) may publish to: both the topic policy and the key policy let them.
import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface TopicPublisher {
  /** A service principal, such as "cloudwatch.amazonaws.com". */
  service: string;
  /** ArnLike pattern of the resources of that service that publish (alarms, a configuration set). */
  sourceArn: string;
}

export interface EncryptedTopicProps {
  /** What the topic carries, for the key's description. */
  description: string;
  publishers?: TopicPublisher[];
}

export class EncryptedTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: EncryptedTopicProps) {
    super(scope, id);
    const account = Stack.of(this).account;
    this.key = new Key(this, 'Key', { description: props.description, enableKeyRotation: true });
    this.topic = new Topic(this, 'Topic', { masterKey: this.key, enforceSSL: true });
    for (const { service, sourceArn } of props.publishers ?? []) {
      // A service publishes only where the topic policy allows it; enforceSSL alone is a Deny.
      this.topic.addToResourcePolicy(
        new PolicyStatement({
          actions: ['sns:Publish'],
          principals: [new ServicePrincipal(service)],
          resources: [this.topic.topicArn],
          conditions: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': sourceArn } },
        }),
      );
      // The service encrypts what it publishes with the topic's key, under its own principal.
      this.key.addToResourcePolicy(
        new PolicyStatement({
          actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          principals: [new ServicePrincipal(service)],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': account } },
        }),
      );
    }
  }
}
