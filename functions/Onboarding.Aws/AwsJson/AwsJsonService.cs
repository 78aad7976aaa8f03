namespace Onboarding.Aws.AwsJson;

/// <summary>What the JSON 1.1 protocol needs to know about one AWS service.</summary>
/// <param name="ServiceId">The SDK service id, e.g. "ACM PCA"; its upper-cased, underscored form names the endpoint variable.</param>
/// <param name="SigningName">The SigV4 service name in the credential scope.</param>
/// <param name="EndpointPrefix">Host prefix of the regional endpoint, e.g. "metering.marketplace".</param>
/// <param name="TargetPrefix">Prefix of <c>X-Amz-Target</c>, e.g. "ACMPrivateCA".</param>
public sealed record AwsJsonService(string ServiceId, string SigningName, string EndpointPrefix, string TargetPrefix)
{
    public static readonly AwsJsonService AcmPca = new("ACM PCA", "acm-pca", "acm-pca", "ACMPrivateCA");

    public static readonly AwsJsonService SecretsManager = new("Secrets Manager", "secretsmanager", "secretsmanager", "secretsmanager");

    public static readonly AwsJsonService Kms = new("KMS", "kms", "kms", "TrentService");

    public static readonly AwsJsonService MarketplaceMetering =
        new("Marketplace Metering", "aws-marketplace", "metering.marketplace", "AWSMPMeteringService");

    public static readonly AwsJsonService MarketplaceEntitlement =
        new("Marketplace Entitlement Service", "aws-marketplace", "entitlement.marketplace", "AWSMPEntitlementService");

    /// <summary>"ACM PCA" → "ACM_PCA", the suffix of <c>AWS_ENDPOINT_URL_ACM_PCA</c>.</summary>
    public string EnvironmentSuffix => ServiceId.Replace(' ', '_').ToUpperInvariant();
}
