// Lambda entry of suppress-addresses: SES bounce and complaint events, SNS-wrapped in SQS.
import { SesFeedback, suppressAddresses } from '../../shared/consumers/suppress-addresses.js';
import { awsTable, readAwsSettings } from '../../shared/runtime/aws.js';
import { sqsConsumer } from '../../shared/runtime/sqs-consumer.js';

// Only the subscribers in the table.
const platform = awsTable(readAwsSettings());

export const handler = sqsConsumer(SesFeedback, (feedback) => suppressAddresses(platform, feedback));
