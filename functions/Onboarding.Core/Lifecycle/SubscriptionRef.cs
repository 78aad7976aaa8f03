namespace Onboarding.Core.Lifecycle;

/// <summary>
/// Who a Marketplace notification is about, in either identifier model: the legacy
/// CustomerIdentifier + ProductCode, or CustomerAWSAccountId + LicenseArn (concurrent agreements).
/// </summary>
/// <remarks>
/// To be unified with the customer identity types of <c>Onboarding.Core.Subscribers</c> once merged.
/// </remarks>
public sealed record SubscriptionRef(
    string? CustomerIdentifier,
    string? ProductCode,
    string? CustomerAwsAccountId,
    string? LicenseArn,
    string? ProductId = null,
    string? AgreementId = null)
{
    /// <summary>
    /// The key that all messages about one subscription share. A license ARN names exactly one agreement,
    /// so it wins when present; then the agreement id; otherwise the legacy pair identifies the subscription.
    /// </summary>
    public string Key =>
        LicenseArn is { Length: > 0 } license ? $"license:{license}"
        : AgreementId is { Length: > 0 } agreement ? $"agreement:{agreement}"
        : CustomerIdentifier is { Length: > 0 } customer && ProductCode is { Length: > 0 } product ? $"customer:{product}:{customer}"
        : throw new InvalidOperationException("A subscription needs a license ARN, an agreement id, or a customer identifier with a product code.");

    public bool IsIdentifiable =>
        LicenseArn is { Length: > 0 }
        || AgreementId is { Length: > 0 }
        || (CustomerIdentifier is { Length: > 0 } && ProductCode is { Length: > 0 });
}
