// The CDK app. The AWS stacks arrive with the deployment issue; until then it synthesizes nothing.
import { App } from 'aws-cdk-lib';

new App().synth();
