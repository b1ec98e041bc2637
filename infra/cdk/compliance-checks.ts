import { Token, Validations, type App, type Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * The checks every synth runs, in `npx cdk synth` and in `npm test`: cdk-nag's AWS Solutions rules and CloudFormation
 * Guard (Control Tower proactive controls). A finding fails the synth unless it is acknowledged, with its reason, on
 * the construct it concerns.
 */
export function addComplianceChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new CfnGuardValidator());
}

export function acknowledge(scope: IConstruct, reason: string, ...ids: string[]): void {
  for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
}

/** Service principals may invoke our functions only on behalf of this account (no confused deputy). */
export function pinServiceInvokesToAccount(stack: Stack): void {
  for (const child of stack.node.findAll()) {
    if (!(child instanceof CfnPermission) || !String(child.principal).endsWith('.amazonaws.com')) continue;
    child.sourceAccount ??= stack.account;
    if (Token.isUnresolved(stack.account)) {
      // Deployed with a concrete account the literal ID is written and the rule passes; an account-agnostic
      // template can only say AWS::AccountId, which the rule does not read.
      acknowledge(
        child,
        'SourceAccount is pinned to AWS::AccountId; the Guard rule recognises only a literal account ID, which an account-agnostic synth cannot contain.',
        'cdk-validator-cfnguard::lambda_function_public_access_prohibited_check',
      );
    }
  }
}
