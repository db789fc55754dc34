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
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../lambdas/contracts';
import { allowTableKeyUse } from './mirror-tables';
import { SyncFunction } from './sync-function';
import { allowSecretValueRead } from './sync-secret';

export const WEBHOOK_PATH = '/webhooks/kombo';

export interface WebhookIngressProps {
  readonly jobQueue: IQueue;
  /** The integration registry lives here. */
  readonly stateTable: ITableV2;
  /** The secret holding the webhook secret(s): the function may read it and no other. */
  readonly webhookSecret: ISecret;
  /** The tables' customer-managed KMS key, which the function may use through DynamoDB. @default none (AWS owned) */
  readonly tableKey?: IKey;
  /** Resources to sync, e.g. `['ats/applications']`. @default every resource in the catalogue */
  readonly syncResources?: readonly string[];
  /** Stage throttling. @default 50 requests/s, burst 100 */
  readonly throttle?: ThrottleSettings;
  /**
   * X-Ray tracing of the webhook function. The HTTP API in front of it cannot be traced (API Gateway traces
   * REST APIs only), so a trace starts at the function. @default Tracing.ACTIVE
   */
  readonly tracing?: Tracing;
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
      tracing: props.tracing,
      environment: {
        [ENV.syncJobsQueueUrl]: props.jobQueue.queueUrl,
        [ENV.stateTable]: props.stateTable.tableName,
        [ENV.webhookSecretArn]: props.webhookSecret.secretArn,
        [ENV.syncResources]: props.syncResources?.join(',') ?? 'all',
      },
    });
    // Exactly what the function does: send jobs (SendMessageBatch is authorised by sqs:SendMessage), keep
    // the integration registry, read the webhook secret. grantSendMessages/grantRead would add more.
    this.handler.addToRolePolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.jobQueue.queueArn] }),
    );
    this.handler.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:UpdateItem'], resources: [props.stateTable.tableArn] }),
    );
    allowTableKeyUse(this.handler, props.tableKey);
    allowSecretValueRead(this.handler, props.webhookSecret);
    Validations.of(this.handler).acknowledge(
      {
        id: 'NIST.800.53.R5-LambdaConcurrency',
        reason:
          "The HTTP API stage's throttle (webhookRateLimit/webhookBurstLimit) bounds its concurrency; reserving " +
          "concurrency would take it from the account's pool, and fails to deploy where that pool is small.",
      },
      {
        id: 'NIST.800.53.R5-LambdaDLQ',
        reason:
          'Invoked synchronously by API Gateway, which a dead-letter queue never sees: a failed webhook is answered ' +
          '5xx and Kombo retries it.',
      },
    );

    this.api = new HttpApi(this, 'Api', {
      description: 'kombo-sync webhook endpoint',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
      reason:
        "API Gateway's standard access log fields (request id, Kombo's source IP, route, status, latency) and no " +
        'body or header: nothing a customer-managed key would protect beyond CloudWatch Logs own encryption at rest.',
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
