namespace Onboarding.Aws.Onboarding;

/// <summary>
/// Tags on a subscriber's secret beyond the customer's identifiers: the Lifecycle function marks the secret when it
/// revokes the certificate in it, and onboarding removes the marks when a re-subscription stores a new certificate.
/// </summary>
public static class CredentialsSecretTags
{
    /// <summary>Tag key whose value is <see cref="Revoked"/> once access is revoked.</summary>
    public const string Status = "marketplace-feed:status";

    public const string Revoked = "revoked";

    public const string RevokedAt = "marketplace-feed:revoked-at";

    public const string RevokedSerial = "marketplace-feed:revoked-certificate-serial";

    /// <summary>Every tag a revocation sets; none of them is true of a newly issued certificate.</summary>
    public static IReadOnlyList<string> RevocationKeys { get; } = [Status, RevokedAt, RevokedSerial];
}
