using Onboarding.Aws.Onboarding;

namespace Onboarding.Lifecycle;

/// <summary>What the lifecycle actions need besides their clients.</summary>
/// <param name="ProductCode">The product's code (PRODUCT_CODE): GetEntitlements and metering of license-model customers need it.</param>
/// <param name="ContractModel">True for MARKETPLACE_MODEL=contract (access follows GetEntitlements); false for subscriptions (every feed while subscribed).</param>
public sealed record LifecycleActionsOptions(string CertificateAuthorityArn, string ProductCode, bool ContractModel)
{
    /// <summary>The owner name the lifecycle function claims onboarding records under.</summary>
    public const string ClaimOwner = "lifecycle";

    /// <summary>Tag key on a subscriber's secret once access is revoked.</summary>
    public const string StatusTag = CredentialsSecretTags.Status;

    public const string RevokedAtTag = CredentialsSecretTags.RevokedAt;

    public const string RevokedSerialTag = CredentialsSecretTags.RevokedSerial;
}
