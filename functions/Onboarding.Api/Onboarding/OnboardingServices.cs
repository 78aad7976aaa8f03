using System.Diagnostics.CodeAnalysis;
using Amazon.DynamoDBv2;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Onboarding.Aws.AwsJson;
using Onboarding.Aws.CertificateAuthority;
using Onboarding.Aws.DynamoDb;
using Onboarding.Aws.KafkaAcl;
using Onboarding.Aws.Kms;
using Onboarding.Aws.Lifecycle;
using Onboarding.Aws.Marketplace;
using Onboarding.Aws.Onboarding;
using Onboarding.Aws.SecretsManager;
using Onboarding.Core.Acl;
using Onboarding.Core.Certificates;
using Onboarding.Core.Feeds;
using Onboarding.Core.Lifecycle;
using Onboarding.Core.Observability;
using Onboarding.Core.Onboarding;
using Onboarding.Core.QuickStart;
using Onboarding.Core.Subscribers;

namespace Onboarding.Api.Onboarding;

public static class OnboardingServices
{
    /// <summary>The data-protection application name; also the KMS encryption context of the key ring.</summary>
    public const string DataProtectionApplicationName = "marketplace-onboarding";

    /// <summary>
    /// The landing and onboarding flow with its adapters, configured from the environment variables template.yaml
    /// sets (see <see cref="OnboardingOptions"/>); invalid settings stop the app at start with every problem named.
    /// </summary>
    // The key manager creates the decryptor from its type name in the stored key XML: keep its constructor for NativeAOT.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(KmsXmlDecryptor))]
    public static IHostApplicationBuilder AddOnboarding(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<OnboardingOptions>()
            .Configure<IConfiguration>(Bind)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<OnboardingOptions>, OnboardingOptionsValidator>();
        services.AddOptions<SubscriberTableOptions>()
            .Configure<IConfiguration>((o, c) =>
            {
                o.SubscribersTable = c[SubscriberTableOptions.SubscribersTableVariable] ?? string.Empty;
                o.OnboardingTable = c[SubscriberTableOptions.OnboardingTableVariable] ?? string.Empty;
            })
            .Validate(o => !string.IsNullOrWhiteSpace(o.SubscribersTable) && !string.IsNullOrWhiteSpace(o.OnboardingTable),
                $"{SubscriberTableOptions.SubscribersTableVariable} and {SubscriberTableOptions.OnboardingTableVariable} must be set.")
            .ValidateOnStart();
        services.AddOptions<FeedCatalogOptions>()
            .Configure<IConfiguration>((o, c) =>
            {
                if (c[FeedCatalogOptions.EnvironmentVariable] is { Length: > 0 } feeds)
                {
                    // Parse validates every topic name; a bad value stops the app at start with the reason.
                    var parsed = FeedCatalog.Parse(feeds);
                    o.Dimensions = parsed.Dimensions.ToDictionary(d => d, d => parsed.TopicsOf(d).ToArray(), StringComparer.Ordinal);
                }
            })
            .Validate(o => o.Dimensions.Count > 0, $"{FeedCatalogOptions.EnvironmentVariable} must map at least one dimension to topics.")
            .ValidateOnStart();

        // Antiforgery tokens must survive a request landing on another Lambda instance: one shared key ring.
        // With DATA_PROTECTION_KMS_KEY_ID set, each key is encrypted with KMS before it is stored; unset (local stack,
        // tests) the ring is stored as it is.
        services.AddDataProtection().SetApplicationName(DataProtectionApplicationName);
        services.AddOptions<DataProtectionKmsOptions>()
            .Configure<IConfiguration>((o, c) => o.KeyId = c[DataProtectionKmsOptions.KeyIdVariable] is { Length: > 0 } keyId ? keyId.Trim() : null)
            .Validate(o => o.KeyId is null || DataProtectionKmsOptions.IsValidKeyId(o.KeyId),
                $"{DataProtectionKmsOptions.KeyIdVariable} must be a KMS key id, key ARN, alias name (alias/...) or alias ARN.")
            .ValidateOnStart();
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((o, sp) =>
        {
            o.XmlRepository = new DynamoDbXmlRepository(sp.GetRequiredService<IAmazonDynamoDB>(), sp.GetRequiredService<SubscriberTableOptions>());
            if (sp.GetRequiredService<IOptions<DataProtectionKmsOptions>>().Value.KeyId is { } keyId)
            {
                o.XmlEncryptor = new KmsXmlEncryptor(
                    sp.GetRequiredService<IAmazonKeyManagementService>(),
                    keyId,
                    sp.GetRequiredService<IOptions<DataProtectionOptions>>().Value.ApplicationDiscriminator ?? DataProtectionApplicationName);
            }
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "mp_csrf";
            o.FormFieldName = "__csrf";
            o.SuppressXFrameOptionsHeader = false;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => EmbeddedMetrics.ToStdout("onboarding-api"));
        services.AddSingleton(sp => FeedCatalog.FromOptions(sp.GetRequiredService<IOptions<FeedCatalogOptions>>().Value));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<OnboardingOptions>>().Value);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<SubscriberTableOptions>>().Value);

        services.AddSingleton(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            var logger = sp.GetRequiredService<ILogger<OnboardingService>>();
            return new AwsJsonClientOptions
            {
                Region = configuration["AWS_REGION"] is { Length: > 0 } region ? region : null,
                Environment = name => configuration[name],
                OnRetry = (details, delay) => OnboardingLog.AwsRetry(logger, details.ErrorCode, details.Attempts, delay),
            };
        });
        services.AddSingleton<IAmazonAWSMarketplaceMetering>(sp => new AmazonAWSMarketplaceMeteringClient(sp.GetRequiredService<AwsJsonClientOptions>()));
        services.AddSingleton<IAmazonMarketplaceEntitlementService>(sp => new AmazonMarketplaceEntitlementServiceClient(sp.GetRequiredService<AwsJsonClientOptions>()));
        services.AddSingleton<IAmazonACMPCA>(sp => new AmazonACMPCAClient(sp.GetRequiredService<AwsJsonClientOptions>()));
        services.AddSingleton<IAmazonSecretsManager>(sp => new AmazonSecretsManagerClient(sp.GetRequiredService<AwsJsonClientOptions>()));
        services.AddSingleton<IAmazonKeyManagementService>(sp => new AmazonKeyManagementServiceClient(sp.GetRequiredService<AwsJsonClientOptions>()));
        // From IConfiguration rather than the process environment, so WebApplicationFactory tests can point it at moto.
        services.AddSingleton<IAmazonDynamoDB>(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            return DynamoDbClientFactory.Create(name => configuration[name]);
        });
        services.AddSingleton<IKafkaAclWriter>(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            if (InMemoryKafkaAclWriter.IsRequested(name => configuration[name]))
            {
                var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger<InMemoryKafkaAclWriter>();
                return new InMemoryKafkaAclWriter(message => OnboardingLog.LocalAcl(logger, message));
            }

            return new SecretKafkaAclWriter(
                sp.GetRequiredService<IAmazonSecretsManager>(),
                configuration[KafkaAdminOptions.BootstrapServersVariable] ?? string.Empty,
                configuration[OnboardingOptions.KafkaAdminSecretArnVariable]);
        });
        services.AddSingleton<IOnboardingStore>(sp => new DynamoDbOnboardingStore(sp.GetRequiredService<IAmazonDynamoDB>(), sp.GetRequiredService<SubscriberTableOptions>()));
        services.AddSingleton<ISubscriberStore>(sp => new DynamoDbSubscriberStore(sp.GetRequiredService<IAmazonDynamoDB>(), sp.GetRequiredService<SubscriberTableOptions>()));
        services.AddSingleton<ILandingStore>(sp => new DynamoDbLandingStore(sp.GetRequiredService<IAmazonDynamoDB>(), sp.GetRequiredService<SubscriberTableOptions>()));
        // Written by the Lifecycle function; registration only reads it.
        services.AddSingleton<ISubscriptionStateStore>(sp => new DynamoDbSubscriptionStateStore(sp.GetRequiredService<IAmazonDynamoDB>(), sp.GetRequiredService<SubscriberTableOptions>()));
        services.AddSingleton<OnboardingService>();
        return builder;
    }

    private static void Bind(OnboardingOptions o, IConfiguration c)
    {
        o.ProductCode = c[OnboardingOptions.ProductCodeVariable] ?? string.Empty;
        if (c[OnboardingOptions.ProductNameVariable] is { Length: > 0 } name)
        {
            o.ProductName = name;
        }

        o.Model = (c[OnboardingOptions.MarketplaceModelVariable] ?? "subscription").Trim().ToLowerInvariant() switch
        {
            "contract" => MarketplaceModel.Contract,
            "subscription" or "" => MarketplaceModel.Subscription,
            var other => throw new OptionsValidationException(nameof(OnboardingOptions), typeof(OnboardingOptions),
                [$"{OnboardingOptions.MarketplaceModelVariable} must be 'subscription' or 'contract'; got '{other}'."]),
        };
        o.CertificateAuthorityArn = c[OnboardingOptions.CertificateAuthorityArnVariable] ?? string.Empty;
        if (c[OnboardingOptions.CertificateTemplateArnVariable] is { Length: > 0 } template)
        {
            o.CertificateTemplateArn = template;
        }

        if (c[OnboardingOptions.CertificateValidityDaysVariable] is { Length: > 0 } days)
        {
            o.CertificateValidityDays = int.TryParse(days, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : -1;
        }

        if (c[OnboardingOptions.SessionLifetimeMinutesVariable] is { Length: > 0 } minutes)
        {
            // The range is checked by Validate with the other settings; text that is no number at all is reported here.
            o.SessionLifetime = int.TryParse(minutes, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                ? TimeSpan.FromMinutes(parsed)
                : throw new OptionsValidationException(nameof(OnboardingOptions), typeof(OnboardingOptions),
                    [$"{OnboardingOptions.SessionLifetimeMinutesVariable} must be a whole number of minutes; got '{minutes}'."]);
        }

        o.SecretPrefix = c[OnboardingOptions.SecretPrefixVariable] ?? string.Empty;
        o.Subject = new CertificateSubjectOptions
        {
            Organization = c[CertificateSubjectOptions.OrganizationVariable] ?? string.Empty,
            OrganizationalUnit = c[CertificateSubjectOptions.OrganizationalUnitVariable] is { Length: > 0 } ou ? ou : null,
        };
        o.Brokers = new BootstrapBrokers(
            c[OnboardingOptions.PublicBrokersVariable] is { Length: > 0 } publicBrokers ? publicBrokers : null,
            c[OnboardingOptions.PrivateLinkBrokersVariable] is { Length: > 0 } privateLink ? privateLink : null);
        o.KafkaAdminSecretArn = c[OnboardingOptions.KafkaAdminSecretArnVariable] is { Length: > 0 } admin ? admin : null;
    }

    private sealed class OnboardingOptionsValidator : IValidateOptions<OnboardingOptions>
    {
        public ValidateOptionsResult Validate(string? name, OnboardingOptions options) =>
            options.Validate() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
