using Onboarding.Aws.DynamoDb;
using Onboarding.Core.Feeds;
using Onboarding.Core.Metering;

namespace Onboarding.Lifecycle;

/// <summary>The Lifecycle function's configuration, from the environment variables the SAM template sets.</summary>
public sealed record LifecycleSettings(
    SubscriberTableOptions Tables,
    string LedgerTable,
    string CertificateAuthorityArn,
    string ProductCode,
    bool ContractModel,
    FeedCatalog Feeds,
    DimensionMap Dimensions,
    string KafkaBootstrapServers,
    string? KafkaAdminSecretArn)
{
    public const string LedgerTableVariable = "METERING_LEDGER_TABLE";
    public const string CertificateAuthorityVariable = "CERTIFICATE_AUTHORITY_ARN";
    public const string ProductCodeVariable = "PRODUCT_CODE";
    public const string MarketplaceModelVariable = "MARKETPLACE_MODEL";
    public const string KafkaAdminSecretVariable = "KAFKA_ADMIN_SECRET_ARN";
    public const string MeteringDimensionsVariable = "METERING_DIMENSIONS";

    /// <summary>Reads and checks every variable; the error names each one that is missing or malformed.</summary>
    public static LifecycleSettings FromEnvironment(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var errors = new List<string>();
        string Require(string name)
        {
            if (variable(name) is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value))
            {
                return value.Trim();
            }

            errors.Add($"{name} is not set.");
            return "";
        }

        var subscribers = Require(SubscriberTableOptions.SubscribersTableVariable);
        var onboarding = Require(SubscriberTableOptions.OnboardingTableVariable);
        var ledger = Require(LedgerTableVariable);
        var ca = Require(CertificateAuthorityVariable);
        var product = Require(ProductCodeVariable);
        var bootstrap = Require(Onboarding.Aws.KafkaAcl.KafkaAdminOptions.BootstrapServersVariable);
        var model = (variable(MarketplaceModelVariable) ?? "subscription").Trim();
        if (model is not ("subscription" or "contract"))
        {
            errors.Add($"{MarketplaceModelVariable} must be 'subscription' or 'contract', not '{model}'.");
        }

        FeedCatalog? feeds = null;
        try
        {
            feeds = FeedCatalog.Parse(variable(FeedCatalogOptions.EnvironmentVariable) ?? "");
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            errors.Add(e.Message);
        }

        DimensionMap? dimensions = null;
        try
        {
            dimensions = DimensionMap.Parse(variable(MeteringDimensionsVariable), MeteringDimensionsVariable);
        }
        catch (InvalidOperationException e)
        {
            errors.Add(e.Message);
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The Lifecycle function is misconfigured: " + string.Join(" ", errors));
        }

        return new LifecycleSettings(
            new SubscriberTableOptions { SubscribersTable = subscribers, OnboardingTable = onboarding },
            ledger,
            ca,
            product,
            model == "contract",
            feeds!,
            dimensions!,
            bootstrap,
            variable(KafkaAdminSecretVariable) is { Length: > 0 } admin ? admin : null);
    }
}
