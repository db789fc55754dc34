import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../lambdas/contracts';
import { SyncFunction } from './sync-function';
import { allowSecretValueRead } from './sync-secret';

export const WEBHOOK_PATH = '/webhooks/kombo';

export interface WebhookIngressProps {
  readonly jobQueue: IQueue;
  /** The integration registry lives here. */
  readonly stateTable: ITableV2;
  readonly secret: ISecret;
  /** Resources to sync, e.g. `['ats/applications']`. @default every resource in the catalogue */
  readonly syncResources?: readonly string[];
  /** Stage throttling. @default 50 requests/s, burst 100 */
  readonly throttle?: ThrottleSettings;
}

/**
 * Kombo's way in: an HTTP API with `POST /webhooks/kombo` and the webhook function, which verifies
 * the signature, turns each event into sync jobs on the queue and keeps the integration registry.
 */
export class WebhookIngress extends Construct {
  readonly api: HttpApi;
  readonly handler: SyncFunction;
  readonly webhookUrl: string;

  constructor(scope: Construct, id: string, props: WebhookIngressProps) {
    super(scope, id);
    this.handler = new SyncFunction(this, 'WebhookFunction', {
      handlerDir: 'webhook',
      description: 'kombo-sync: verifies Kombo webhooks and enqueues sync jobs',
      timeout: Duration.seconds(10),
      environment: {
        [ENV.syncJobsQueueUrl]: props.jobQueue.queueUrl,
        [ENV.stateTable]: props.stateTable.tableName,
        [ENV.secretArn]: props.secret.secretArn,
        [ENV.syncResources]: props.syncResources?.join(',') ?? 'all',
      },
    });
    // Exactly what the function does: send jobs (SendMessageBatch is authorised by sqs:SendMessage), keep
    // the integration registry, read the secret. grantSendMessages/grantRead would add more.
    this.handler.addToRolePolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.jobQueue.queueArn] }),
    );
    this.handler.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:UpdateItem'], resources: [props.stateTable.tableArn] }),
    );
    allowSecretValueRead(this.handler, props.secret);

    this.api = new HttpApi(this, 'Api', {
      description: 'kombo-sync webhook endpoint',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.jsonWithStandardFields(),
      },
    });
    const routes = this.api.addRoutes({
      path: WEBHOOK_PATH,
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('WebhookIntegration', this.handler),
    });
    for (const route of routes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Kombo cannot send credentials an API Gateway authorizer could check; every request is authenticated by ' +
          'the webhook function, which verifies the X-Kombo-Signature HMAC of the raw body before anything else.',
      });
    }
    this.webhookUrl = `${stage.url.replace(/\/$/, '')}${WEBHOOK_PATH}`;
  }
}
