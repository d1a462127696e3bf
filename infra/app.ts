// The CDK app: `npx cdk deploy --all -c stage=dev|prod`. Same function code as the local platform.
import { App } from 'aws-cdk-lib';
import { buildSiteShell } from '../shared/site/shell.js';
import { buildCommuniqueApp } from './communique-app.js';
import { resolveConfig } from './config.js';

const app = new App();
const config = resolveConfig(app.node.tryGetContext('stage'), app.node.tryGetContext('stages'));
buildCommuniqueApp(app, config, await buildSiteShell());
app.synth();
