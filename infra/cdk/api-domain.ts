import { CfnOutput, Stack, Token } from 'aws-cdk-lib';
import { ApiMapping, DomainName, SecurityPolicy, type HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { ApiGatewayv2DomainProperties } from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { PUBLIC_KEY_WELL_KNOWN_PATH } from '../../shared/tesla/app-domain';
import { certificateRegion, DeployConfigError } from './deploy-config';

export interface ApiDomainProps {
  httpApi: HttpApi;
  domainName: string;
  certificateArn: string;
  /** When given, the alias record is created there; otherwise the owner points a CNAME at the ApiDomainTarget output. */
  hostedZone?: { id: string; name: string };
}

/**
 * The API on the owner's own domain, which Tesla needs: the app is registered by its domain, Tesla fetches the public
 * key from `https://<domain>/.well-known/appspecific/com.tesla.3p.public-key.pem`, and cars pair at
 * `https://tesla.com/_ak/<domain>`.
 */
export class ApiDomain extends Construct {
  constructor(scope: Construct, id: string, props: ApiDomainProps) {
    super(scope, id);
    const stackRegion = Stack.of(this).region;
    const certRegion = certificateRegion(props.certificateArn);
    if (!Token.isUnresolved(stackRegion) && certRegion !== stackRegion) {
      throw new DeployConfigError(
        `invalid deployment configuration: config.certificateArn: the certificate is in ${certRegion}, but a regional API needs one in the stack's region (${stackRegion})`,
      );
    }
    const domain = new DomainName(this, 'Domain', {
      domainName: props.domainName,
      certificate: Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
      securityPolicy: SecurityPolicy.TLS_1_2,
    });
    new ApiMapping(this, 'Mapping', { api: props.httpApi, domainName: domain });
    if (props.hostedZone) {
      new ARecord(this, 'Alias', {
        zone: HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: props.hostedZone.id, zoneName: props.hostedZone.name }),
        recordName: `${props.domainName}.`,
        target: RecordTarget.fromAlias(new ApiGatewayv2DomainProperties(domain.regionalDomainName, domain.regionalHostedZoneId)),
      });
    }
    const stack = Stack.of(this);
    new CfnOutput(stack, 'ApiDomainUrl', { value: `https://${props.domainName}` });
    new CfnOutput(stack, 'ApiDomainTarget', {
      value: domain.regionalDomainName,
      description: 'Point a CNAME for the custom domain here if its DNS is not in the hosted zone given',
    });
    new CfnOutput(stack, 'PublicKeyUrl', {
      value: `https://${props.domainName}${PUBLIC_KEY_WELL_KNOWN_PATH}`,
      description: 'Where Tesla fetches the app’s public key',
    });
    new CfnOutput(stack, 'PairingUrl', {
      value: `https://tesla.com/_ak/${props.domainName}`,
      description: 'Open in the Tesla app, near the car, to pair the command key',
    });
  }
}
