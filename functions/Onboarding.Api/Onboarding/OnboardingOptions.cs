using Onboarding.Core.Certificates;
using Onboarding.Core.QuickStart;

namespace Onboarding.Api.Onboarding;

/// <summary>How the Marketplace product is sold: tiered contracts (GetEntitlements) or a SaaS subscription.</summary>
public enum MarketplaceModel
{
    Subscription,
    Contract,
}

/// <summary>
/// Settings of the landing and onboarding flow, read from the environment variables template.yaml sets. The names are
/// here, in one place; <see cref="Validate"/> runs at start so a missing setting stops the app, not the first buyer.
/// </summary>
public sealed class OnboardingOptions
{
    public const string ProductCodeVariable = "PRODUCT_CODE";
    public const string MarketplaceModelVariable = "MARKETPLACE_MODEL";
    public const string CertificateAuthorityArnVariable = "CERTIFICATE_AUTHORITY_ARN";
    public const string CertificateTemplateArnVariable = "CERTIFICATE_TEMPLATE_ARN";
    public const string CertificateValidityDaysVariable = "CERTIFICATE_VALIDITY_DAYS";
    public const string SecretPrefixVariable = "SECRET_PREFIX";
    public const string PublicBrokersVariable = "KAFKA_BOOTSTRAP_SERVERS_PUBLIC";
    public const string PrivateLinkBrokersVariable = "KAFKA_BOOTSTRAP_SERVERS_PRIVATELINK";
    public const string KafkaAdminSecretArnVariable = "KAFKA_ADMIN_SECRET_ARN";
    public const string ProductNameVariable = "PRODUCT_NAME";
    public const string SessionLifetimeMinutesVariable = "SESSION_LIFETIME_MINUTES";

    public static readonly TimeSpan MinSessionLifetime = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxSessionLifetime = TimeSpan.FromHours(24);

    public const string DefaultTemplateArn = "arn:aws:acm-pca:::template/EndEntityClientAuthCertificate_APIPassthrough/V1";

    public string ProductCode { get; set; } = string.Empty;

    /// <summary>Shown on the pages; optional (PRODUCT_NAME), defaults to a generic title.</summary>
    public string ProductName { get; set; } = "market-data feed";

    public MarketplaceModel Model { get; set; } = MarketplaceModel.Subscription;

    public string CertificateAuthorityArn { get; set; } = string.Empty;

    public string CertificateTemplateArn { get; set; } = DefaultTemplateArn;

    public int CertificateValidityDays { get; set; } = 365;

    public string SecretPrefix { get; set; } = string.Empty;

    public CertificateSubjectOptions Subject { get; set; } = new();

    /// <summary>What subscribers are told to connect to.</summary>
    public BootstrapBrokers Brokers { get; set; } = new(null, null);

    /// <summary>The provider's admin certificate for ACL writes; null on a plaintext (local) cluster.</summary>
    public string? KafkaAdminSecretArn { get; set; }

    /// <summary>How long a landing session (the cookie) lasts: the time a buyer has to register and download credentials (SESSION_LIFETIME_MINUTES).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How long one worker may act for a customer before another may take over.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Every problem with the settings, each naming its environment variable; empty when all is well.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ProductCode))
        {
            problems.Add($"{ProductCodeVariable} is not set: the Marketplace product code this landing page accepts.");
        }

        if (!CertificateAuthorityArn.StartsWith("arn:", StringComparison.Ordinal) || !CertificateAuthorityArn.Contains(":acm-pca:", StringComparison.Ordinal))
        {
            problems.Add($"{CertificateAuthorityArnVariable} must be an ACM Private CA ARN (arn:aws:acm-pca:...); got '{CertificateAuthorityArn}'.");
        }

        if (!CertificateTemplateArn.StartsWith("arn:", StringComparison.Ordinal))
        {
            problems.Add($"{CertificateTemplateArnVariable} must be an ACM PCA template ARN; got '{CertificateTemplateArn}'.");
        }

        if (CertificateValidityDays is < 1 or > 3650)
        {
            problems.Add($"{CertificateValidityDaysVariable} must be between 1 and 3650; got {CertificateValidityDays}.");
        }

        try
        {
            Core.Subscribers.CustomerIdentity.FromCustomerIdentifier("check", "check").SecretName(SecretPrefix);
        }
        catch (ArgumentException ex)
        {
            problems.Add($"{SecretPrefixVariable} is '{SecretPrefix}': {ex.Message}");
        }

        try
        {
            CertificateSubject.Create("mp-check", Subject.Organization, Subject.OrganizationalUnit);
        }
        catch (ArgumentException ex)
        {
            problems.Add($"{CertificateSubjectOptions.OrganizationVariable}/{CertificateSubjectOptions.OrganizationalUnitVariable}: {ex.Message}");
        }

        if (SessionLifetime < MinSessionLifetime || SessionLifetime > MaxSessionLifetime)
        {
            problems.Add($"{SessionLifetimeMinutesVariable} must be a whole number of minutes from {MinSessionLifetime.TotalMinutes:0} to {MaxSessionLifetime.TotalMinutes:0}; got {SessionLifetime.TotalMinutes:0.##}.");
        }

        if (!Brokers.Available().Any())
        {
            problems.Add($"Neither {PublicBrokersVariable} nor {PrivateLinkBrokersVariable} is set: subscribers would not know where to connect.");
        }

        return problems;
    }
}
