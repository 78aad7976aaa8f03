using Onboarding.LocalServers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Onboarding.Api;
using Onboarding.Aws.AwsJson;
using Onboarding.Aws.CertificateAuthority;
using Onboarding.Aws.DynamoDb;
using Onboarding.Aws.KafkaAcl;
using Onboarding.Aws.Marketplace;
using Onboarding.Aws.SecretsManager;
using Onboarding.Core.Acl;
using Onboarding.Core.Observability;
using Onboarding.IntegrationTests.Aws;
using Onboarding.IntegrationTests.Fixtures;
using Onboarding.IntegrationTests.KafkaAcl;

namespace Onboarding.IntegrationTests.OnboardingFlow;

/// <summary>
/// The API through <see cref="WebApplicationFactory{ApiApp}"/>, configured by its environment variable names: ACM PCA
/// and Secrets Manager on moto_server (a fresh active root CA per app), DynamoDB on moto or DynamoDB Local (fresh
/// tables per app), Marketplace on the in-process simulator, Kafka ACLs on the fake admin client.
/// </summary>
public sealed class OnboardingApp : WebApplicationFactory<ApiApp>
{
    public const string PayAsYouGoProduct = "sim-rtfeed-payg";
    public const string ContractProduct = "sim-rtfeed-contract";
    public const string SecretPrefix = "marketplace-feed/subscribers/";
    public const string PublicBrokers = "b-1.feed.example.com:9194,b-2.feed.example.com:9194";
    public const string Organization = "Example Market Data, Inc.";
    public const string OrganizationalUnit = "Feed Subscribers";
    public const string FeedTopics = """{"messages_million":["quotes.us","trades.us"],"consumer_hours":["bars.1m.us"],"feeds":["quotes.us","trades.us"],"premium_support":["news.us"]}""";

    private readonly MotoFixture moto;
    private readonly SimulatorFixture? simulator;
    private readonly Uri? marketplaceEndpoint;
    private readonly Dictionary<string, string> settings;

    private OnboardingApp(MotoFixture moto, SimulatorFixture? simulator, Uri? marketplaceEndpoint, IAmazonDynamoDB dynamo, Dictionary<string, string> settings, string caArn, string caCertificatePem)
    {
        this.moto = moto;
        this.simulator = simulator;
        this.marketplaceEndpoint = marketplaceEndpoint;
        this.settings = settings;
        Dynamo = dynamo;
        CaArn = caArn;
        CaCertificatePem = caCertificatePem;
        (AdminClient, Acls) = FakeAdminClient.Create();
        Pca = new CountingPca(new AmazonACMPCAClient(MotoRaw.Options(moto)));
    }

    public IAmazonDynamoDB Dynamo { get; }

    public string CaArn { get; }

    public string CaCertificatePem { get; }

    public Confluent.Kafka.IAdminClient AdminClient { get; }

    public FakeAdminClient Acls { get; }

    public CountingPca Pca { get; }

    public CapturedLogs Logs { get; } = new();

    /// <summary>The EMF lines the app writes (stdout in production).</summary>
    public StringWriter Metrics { get; } = new();

    public string OnboardingTable => settings[SubscriberTableOptions.OnboardingTableVariable];

    public string SubscribersTable => settings[SubscriberTableOptions.SubscribersTableVariable];

    /// <summary>Resets moto, creates an active root CA and the tables (on <paramref name="dynamo"/>, moto's by default).</summary>
    /// <param name="simulator">The in-process simulator; or null with <paramref name="marketplaceEndpoint"/>, a simulator on Kestrel.</param>
    public static async Task<OnboardingApp> CreateAsync(
        MotoFixture moto, SimulatorFixture? simulator, string productCode = PayAsYouGoProduct, string model = "subscription",
        IAmazonDynamoDB? dynamo = null, Uri? marketplaceEndpoint = null)
    {
        await moto.ResetAsync();
        if (simulator is not null)
        {
            await simulator.ResetAsync();
        }

        dynamo ??= moto.NewDynamoDbClient();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var tables = new SubscriberTableOptions { SubscribersTable = "subscribers-" + suffix, OnboardingTable = "onboarding-" + suffix };
        await SubscriberTables.CreateAsync(dynamo, tables);
        var (caArn, caPem) = await CreateActiveRootCaAsync(moto);
        var settings = new Dictionary<string, string>
        {
            ["SUBSCRIBERS_TABLE"] = tables.SubscribersTable,
            ["ONBOARDING_TABLE"] = tables.OnboardingTable,
            ["CERTIFICATE_AUTHORITY_ARN"] = caArn,
            ["CERTIFICATE_TEMPLATE_ARN"] = CertificateTemplates.EndEntityClientAuthApiPassthrough,
            ["CERTIFICATE_VALIDITY_DAYS"] = "30",
            ["CERTIFICATE_ORGANIZATION"] = Organization,
            ["CERTIFICATE_ORGANIZATIONAL_UNIT"] = OrganizationalUnit,
            ["SECRET_PREFIX"] = SecretPrefix,
            ["KAFKA_BOOTSTRAP_SERVERS"] = "127.0.0.1:9",
            ["KAFKA_BOOTSTRAP_SERVERS_PUBLIC"] = PublicBrokers,
            ["PRODUCT_CODE"] = productCode,
            ["PRODUCT_NAME"] = "Real-time market data feed",
            ["MARKETPLACE_MODEL"] = model,
            ["FEED_TOPICS_BY_DIMENSION"] = FeedTopics,
            ["LOG_LEVEL"] = "Warning",
        };
        return new OnboardingApp(moto, simulator, marketplaceEndpoint, dynamo, settings, caArn, caPem);
    }

    /// <summary>Sets one more environment variable before the app starts (shared with <see cref="AnotherInstance"/>).</summary>
    public OnboardingApp WithSetting(string name, string value)
    {
        settings[name] = value;
        return this;
    }

    /// <summary>A second instance of the app (as a second Lambda instance) on the same tables, CA and Marketplace.</summary>
    public OnboardingApp AnotherInstance() => new(moto, simulator, marketplaceEndpoint, Dynamo, settings, CaArn, CaCertificatePem);

    /// <summary>Serves the app on Kestrel at http://127.0.0.1:<paramref name="port"/> (for a real browser) and starts it.</summary>
    public void StartOnKestrel(int port)
    {
        UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, port));
        StartServer();
    }

    /// <summary>A browser-like client of its own: its own cookies, redirects not followed (tests assert them).</summary>
    public Buyer NewBuyer() => new(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }));

    public async Task<List<string>> SecretNamesAsync()
    {
        var listed = await MotoRaw.CallAsync(moto, AwsJsonService.SecretsManager, "ListSecrets", new JsonObject());
        return [.. ((JsonArray?)listed["SecretList"] ?? []).Select(s => (string)s!["Name"]!)];
    }

    public async Task<string> SecretValueAsync(string name)
    {
        var value = await new AmazonSecretsManagerClient(MotoRaw.Options(moto)).GetSecretValueAsync(new GetSecretValueRequest { SecretId = name });
        return value.SecretString!;
    }

    /// <summary>The onboarding table's items about buyers (tokens, sessions, states), without the shared data-protection key ring.</summary>
    public async Task<List<Dictionary<string, AttributeValue>>> BuyerItemsAsync() =>
        [.. (await ItemsAsync(OnboardingTable)).Where(i => i["pk"].S != "DATAPROTECTION")];

    /// <summary>Every item of a table (test tables are small).</summary>
    public async Task<List<Dictionary<string, AttributeValue>>> ItemsAsync(string table)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await Dynamo.ScanAsync(new ScanRequest { TableName = table, ExclusiveStartKey = start, ConsistentRead = true });
            items.AddRange(page.Items ?? []);
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
        return items;
    }

    public IReadOnlySet<AclRule> AclRules() => Acls.Bindings.Select(ConfluentKafkaAclWriter.ToRule).ToHashSet();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (name, value) in settings)
        {
            builder.UseSetting(name, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<ILoggerProvider>(Logs);
            services.Configure<LoggerFilterOptions>(o => o.Rules.Add(new LoggerFilterRule(typeof(CapturedLogs).FullName, null, LogLevel.Trace, null)));
            services.AddSingleton(new EmbeddedMetrics(TextWriter.Synchronized(Metrics), EmbeddedMetrics.DefaultNamespace, TimeProvider.System) { Service = "onboarding-api" });
            services.AddSingleton(MotoRaw.Options(moto));
            services.AddSingleton<IAmazonACMPCA>(Pca);
            services.AddSingleton<IAmazonSecretsManager>(new AmazonSecretsManagerClient(MotoRaw.Options(moto)));
            services.AddSingleton(Dynamo);
            if (simulator is not null)
            {
                services.AddSingleton<IAmazonAWSMarketplaceMetering>(simulator.Metering());
                services.AddSingleton<IAmazonMarketplaceEntitlementService>(simulator.Entitlements());
            }
            else
            {
                var marketplace = MotoRaw.Options(moto) with { ServiceUrl = marketplaceEndpoint ?? throw new InvalidOperationException("No Marketplace simulator configured.") };
                services.AddSingleton<IAmazonAWSMarketplaceMetering>(new AmazonAWSMarketplaceMeteringClient(marketplace));
                services.AddSingleton<IAmazonMarketplaceEntitlementService>(new AmazonMarketplaceEntitlementServiceClient(marketplace));
            }
            services.AddSingleton<IKafkaAclWriter>(new ConfluentKafkaAclWriter(AdminClient));
        });
    }

    private static Task<(string Arn, string CertificatePem)> CreateActiveRootCaAsync(MotoFixture moto) =>
        MotoCertificateAuthority.CreateActiveRootAsync(moto.Endpoint, "Feed Subscribers Test Root CA");

    public static string EcCsr(string subject = "CN=feed-client", ECCurve? curve = null)
    {
        using var key = ECDsa.Create(curve ?? ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
    }

    public static string RsaCsr(int bits, string subject = "CN=feed-client")
    {
        using var key = RSA.Create(bits);
        return new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();
    }

    public static bool ChainsTo(X509Certificate2 leaf, string caPem)
    {
        using var root = X509Certificate2.CreateFromPem(caPem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf) && chain.ChainElements[^1].Certificate.Thumbprint == root.Thumbprint;
    }
}

/// <summary>The real ACM PCA client on moto, counting issue calls (moto ignores idempotency tokens, so each call is a new certificate).</summary>
public sealed class CountingPca(IAmazonACMPCA inner) : IAmazonACMPCA
{
    private int issued;

    public int Issued => Volatile.Read(ref issued);

    /// <summary>When above zero, that many issue calls fail with throttling (after the client's own retries).</summary>
    public int ThrottleNext { get; set; }

    public Task<IssueCertificateResponse> IssueCertificateAsync(IssueCertificateRequest request, CancellationToken cancellationToken = default)
    {
        if (ThrottleNext > 0)
        {
            ThrottleNext--;
            throw new Onboarding.Aws.AwsJson.ThrottlingException(new AwsErrorDetails("ACM PCA", "IssueCertificate", request.CertificateAuthorityArn, "ThrottlingException", "Rate exceeded", System.Net.HttpStatusCode.BadRequest, null, 3));
        }

        Interlocked.Increment(ref issued);
        return inner.IssueCertificateAsync(request, cancellationToken);
    }

    public Task<GetCertificateResponse> GetCertificateAsync(GetCertificateRequest request, CancellationToken cancellationToken = default) =>
        inner.GetCertificateAsync(request, cancellationToken);

    public Task<GetCertificateAuthorityCertificateResponse> GetCertificateAuthorityCertificateAsync(GetCertificateAuthorityCertificateRequest request, CancellationToken cancellationToken = default) =>
        inner.GetCertificateAuthorityCertificateAsync(request, cancellationToken);

    public Task<RevokeCertificateResponse> RevokeCertificateAsync(RevokeCertificateRequest request, CancellationToken cancellationToken = default) =>
        inner.RevokeCertificateAsync(request, cancellationToken);
}
