import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CliError } from '../errors';

/** The default stack name, as `cdk deploy` names it without `-c stackName=…`. */
export const DEFAULT_STACK_NAME = 'KomboSyncStack';

/** A deployed stack's outputs by key (`RecordsTableName`, `SyncJobsQueueUrl`, …). */
export async function stackOutputs(
  cloudFormation: CloudFormationClient,
  stackName: string,
  region: string,
): Promise<Record<string, string>> {
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    if (!stack) throw notFound(stackName, region);
    return Object.fromEntries(
      (stack.Outputs ?? []).flatMap((output) =>
        output.OutputKey && output.OutputValue !== undefined ? [[output.OutputKey, output.OutputValue]] : [],
      ),
    );
  } catch (error) {
    // CloudFormation's answer for an unknown stack is a ValidationError saying so.
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message)) {
      throw notFound(stackName, region);
    }
    throw error;
  }
}

const notFound = (stackName: string, region: string) =>
  new CliError(
    `stack ${stackName} not found in ${region}: deploy it, pass --stack <name> (or --region), or use --local`,
  );
