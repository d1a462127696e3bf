// Lambda entry of suppress-addresses: SES bounce and complaint events, SNS-wrapped in SQS.
import { SesFeedback, suppressAddresses } from '../../shared/consumers/suppress-addresses.js';
import { awsDeps } from '../../shared/runtime/aws.js';
import { sqsConsumer } from '../../shared/runtime/sqs-consumer.js';

const platform = awsDeps();

export const handler = sqsConsumer(SesFeedback, (feedback) => suppressAddresses(platform, feedback));
