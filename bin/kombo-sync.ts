#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { settingsFromContext } from '../lib/app-context';
import { KomboSyncStack } from '../lib/kombo-sync-stack';
import { addSecurityChecks } from '../lib/security-checks';

const app = new App();
const settings = settingsFromContext(app.node.getAllContext());
new KomboSyncStack(app, settings.stackName, settings.stackProps);
addSecurityChecks(app);
app.synth();
