/**
 * The environment `sam local invoke -t <template> --env-vars <file>` gives a function, as SAM CLI 1.164 builds it
 * (samcli/local/lambdafn/env_vars.py): its own AWS_* variables (AWS_SAM_LOCAL=true, the function's name, a
 * region and placeholder credentials when none are configured), then every variable the template declares: the
 * template's value, "" where that is an intrinsic SAM cannot resolve (a Ref, a GetAtt), replaced by the env
 * file's value for the function. A variable the template does not declare is dropped, whatever the file says.
 * (SAM would also take a declared variable's value from the shell; the local env file sets each one it needs.)
 */
export function samEnvironment(
  logicalId: string,
  declared: Record<string, unknown>,
  envFileEntry: Record<string, string>,
): Record<string, string> {
  const environment: Record<string, string> = {
    AWS_SAM_LOCAL: 'true',
    AWS_LAMBDA_FUNCTION_NAME: logicalId,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'defaultkey',
    AWS_SECRET_ACCESS_KEY: 'defaultsecret',
  };
  for (const [name, value] of Object.entries(declared)) {
    const fromTemplate = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
    environment[name] = envFileEntry[name] ?? fromTemplate;
  }
  return environment;
}
