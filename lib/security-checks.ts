import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';

/**
 * Runs cdk-nag's AWS Solutions pack and its NIST 800-53 rev 5 pack at synth (the records table holds HR personal
 * data; NIST asks for the controls a security review of it looks for: encryption, least privilege, failure
 * capture). An unacknowledged finding fails synth; every acknowledgement sits next to the resource it is about,
 * with its reason.
 */
export function addSecurityChecks(app: App): void {
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, { verbose: true }),
    new NIST80053R5Checks(app, { verbose: true }),
  );
}
