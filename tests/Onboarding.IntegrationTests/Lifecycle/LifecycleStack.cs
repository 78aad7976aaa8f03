using Onboarding.LocalServers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Microsoft.Extensions.Logging.Abstractions;
using Onboarding.Aws.AwsJson;
using Onboarding.Aws.CertificateAuthority;
using Onboarding.Aws.DynamoDb;
using Onboarding.Aws.KafkaAcl;
using Onboarding.Aws.Lifecycle;
using Onboarding.Aws.Marketplace;
using Onboarding.Aws.Metering;
using Onboarding.Aws.SecretsManager;
using Onboarding.Core.Acl;
using Onboarding.Core.Certificates;
using Onboarding.Core.Feeds;
using Onboarding.Core.Lifecycle;
using Onboarding.Core.Metering;
using Onboarding.Core.Onboarding;
using Onboarding.Core.Subscribers;
using Onboarding.IntegrationTests.Aws;
using Onboarding.IntegrationTests.Fixtures;
using Onboarding.IntegrationTests.KafkaAcl;
using Onboarding.IntegrationTests.Metering;
using Onboarding.Lambda.Runtime;
using Onboarding.Lifecycle;

namespace Onboarding.IntegrationTests.Lifecycle;

/// <summary>
/// The Lifecycle function wired as in production, on moto (DynamoDB, ACM PCA, Secrets Manager), a fake Kafka admin
/// client (the mock cluster has no ACL API), an in-memory metering ledger and a fake Marketplace, with one buyer of the
/// sample events onboarded: certificate issued, secret stored, ACLs written, subscriber active.
/// </summary>
internal sealed class LifecycleStack : IAsyncDisposable
{
    public const string ProductCode = "4ov3gzs0d3vtd8nsijmh3h4bf";
    public const string Account = "444455556666";
    public const string License = "arn:aws:license-manager::111122223333:license:l-7f3c2a9e41b84d5f9a0e6c1b2d3e4f50";
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 15, 30, 0, TimeSpan.Zero);
    public static readonly KafkaPrincipal Neighbour = KafkaPrincipal.Parse("User:CN=mp-neighbour,O=Other Corp");

    private readonly MotoFixture moto;

    private LifecycleStack(MotoFixture moto) => this.moto = moto;

    public AmazonDynamoDBClient Dynamo { get; private set; } = null!;
    public SubscriberTableOptions Tables { get; } = new() { SubscribersTable = "subscribers", OnboardingTable = "onboarding" };
    public RecordingAcmPca Pca { get; private set; } = null!;
    public AmazonSecretsManagerClient Secrets { get; private set; } = null!;
    public FakeAdminClient Admin { get; private set; } = null!;
    public ConfluentKafkaAclWriter Acls { get; private set; } = null!;
    public DynamoDbOnboardingStore Onboarding { get; private set; } = null!;

    /// <summary>The onboarding store as the Lifecycle function sees it, so a test can act between its read and its claim.</summary>
    public InterleavingOnboardingStore LifecycleOnboarding { get; private set; } = null!;
    public DynamoDbSubscriberStore Subscribers { get; private set; } = null!;
    public DynamoDbSubscriptionStateStore States { get; private set; } = null!;
    public InMemoryMeteringLedger Ledger { get; } = new();
    public FakeMarketplaceMetering Marketplace { get; } = new();
    public FeedCatalog Feeds { get; } = FeedCatalog.Parse("""{"basic":["quotes.us"],"pro":["quotes.us","trades.us"]}""");
    public LifecycleFunction Function { get; private set; } = null!;
    public string CaArn { get; private set; } = null!;
    /// <summary>The identity <see cref="OnboardAsync"/> onboards; by default the sample buyer by account and license.</summary>
    public CustomerIdentity Customer { get; set; } = CustomerIdentity.FromAccountAndLicense(Account, License);

    public static async Task<LifecycleStack> StartAsync(MotoFixture moto, IAmazonMarketplaceEntitlementService? contractEntitlements = null)
    {
        await moto.ResetAsync();
        var stack = new LifecycleStack(moto);
        stack.Dynamo = moto.NewDynamoDbClient();
        await SubscriberTables.CreateAsync(stack.Dynamo, stack.Tables);
        stack.Pca = new RecordingAcmPca(new AmazonACMPCAClient(MotoRaw.Options(moto)));
        stack.Secrets = new AmazonSecretsManagerClient(MotoRaw.Options(moto));
        var (admin, fake) = FakeAdminClient.Create();
        stack.Admin = fake;
        stack.Acls = new ConfluentKafkaAclWriter(admin);
        stack.Onboarding = new DynamoDbOnboardingStore(stack.Dynamo, stack.Tables);
        stack.LifecycleOnboarding = new InterleavingOnboardingStore(stack.Onboarding);
        stack.Subscribers = new DynamoDbSubscriberStore(stack.Dynamo, stack.Tables);
        stack.States = new DynamoDbSubscriptionStateStore(stack.Dynamo, stack.Tables);
        stack.CaArn = await stack.CreateActiveRootCaAsync();

        var clock = new FixedClock(Now);
        var actions = new OnboardingLifecycleActions(
            stack.LifecycleOnboarding, stack.Subscribers, stack.Acls, stack.Pca, stack.Secrets, contractEntitlements ?? new NoEntitlements(), stack.Feeds,
            new MeteringJob(stack.Ledger, stack.Marketplace, new DimensionMap(), MeteringWindow.Marketplace),
            new LifecycleActionsOptions(stack.CaArn, ProductCode, ContractModel: contractEntitlements is not null),
            clock,
            NullLogger<OnboardingLifecycleActions>.Instance);
        var processor = new LifecycleProcessor(stack.States, actions, new RedriveRejectedNotifications(NullLogger<RedriveRejectedNotifications>.Instance), clock);
        stack.Function = new LifecycleFunction(processor, NullLogger<LifecycleFunction>.Instance);

        // Someone else's grant on the same cluster: revocation must never touch it.
        await stack.Acls.SyncAsync(Neighbour, AclPlan.Desired(Neighbour, ["quotes.us"], "mp-neighbour."));
        return stack;
    }

    /// <summary>Onboards the sample buyer as the landing flow would; returns the issued certificate and the secret ARN.</summary>
    public async Task<(X509Certificate2 Certificate, string SecretArn, KafkaPrincipal Principal)> OnboardAsync(int generation = 1)
    {
        var started = Now.AddDays(-4);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // MSK checks no revocation list, so a re-issued certificate needs a subject (principal) of its own: the old one's
        // ACLs are gone, and the new one must not inherit anything granted to the revoked principal.
        var subject = generation > 1 ? $"CN={Customer.StableId}, OU=generation-{generation}, O=Acme Trading" : $"CN={Customer.StableId}, O=Acme Trading";
        var csr = new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        var issued = await Pca.IssueCertificateAsync(new IssueCertificateRequest
        {
            CertificateAuthorityArn = CaArn,
            Csr = new MemoryStream(Encoding.ASCII.GetBytes(csr)),
            SigningAlgorithm = SigningAlgorithm.SHA256WITHRSA,
            Validity = new Validity { Type = ValidityPeriodType.DAYS, Value = 30 },
        });
        var pem = (await Pca.GetCertificateAsync(new() { CertificateAuthorityArn = CaArn, CertificateArn = issued.CertificateArn })).Certificate!;
        var certificate = X509Certificate2.CreateFromPem(pem);
        var principal = KafkaPrincipal.FromCertificate(certificate);
        var secretName = Customer.SecretName("marketplace-feed/subscribers/") + (generation > 1 ? $"-g{generation}" : "");
        var secret = await Secrets.CreateSecretAsync(new CreateSecretRequest { Name = secretName, SecretString = """{"certificate":"..."}""" });
        await Acls.SyncAsync(principal, AclPlan.Desired(principal, Feeds.AllTopics, Customer.ConsumerGroupPrefix));

        var profile = await Subscribers.GetAsync(Customer.StableId);
        var subscriber = profile?.Value.WithStatus(SubscriberStatus.Active, started)
            ?? new Subscriber(Customer, "Acme Trading", "Ann Analyst", "ann@acme.example", null, SubscriberStatus.Active, started, started);
        await Subscribers.SaveAsync(subscriber, profile?.Version ?? 0);
        // The entitlement plan, saved by the landing flow before the subscriber record.
        var plan = await Subscribers.GetEntitlementsAsync(Customer.StableId);
        await Subscribers.SaveEntitlementsAsync(new EntitlementSnapshot(Customer, [], Feeds.AllTopics, started), plan?.Version ?? 0);

        var (state, _) = await Onboarding.StartAsync(OnboardingMachine.Start(Customer, started));
        var claim = await Onboarding.TryClaimAsync(Customer.StableId, "landing", started, TimeSpan.FromMinutes(5));
        await Onboarding.SaveAsync(
            claim!.State with
            {
                Step = OnboardingStep.Completed,
                Topics = Feeds.AllTopics,
                KeyChoice = KeyChoice.OwnCsr,
                CsrPem = csr,
                CertificateArn = issued.CertificateArn,
                SecretArn = secret.ARN,
                KafkaPrincipal = principal.Value,
                UpdatedAt = started,
            },
            "landing");
        await Onboarding.ReleaseAsync(Customer.StableId, "landing");
        _ = state;
        return (certificate, secret.ARN!, principal);
    }

    /// <summary>Records, as the landing flow does before it issues anything, that every identifier of <paramref name="resolved"/> belongs to <see cref="Customer"/>.</summary>
    public async Task RecordAliasesAsync(SubscriptionRef resolved)
    {
        var alias = new SubscriberAlias(Customer.StableId, resolved);
        foreach (var identifierKey in SubscriberAliases.IdentifierKeys(resolved))
        {
            await States.RecordAliasAsync(identifierKey, alias, CancellationToken.None);
        }
    }

    public IReadOnlyList<Confluent.Kafka.Admin.AclBinding> AclsOf(KafkaPrincipal principal) =>
        [.. Admin.Bindings.Where(b => b.Entry.Principal == principal.Value)];

    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "events", name));

    /// <summary>The one SQS record of a sample event.</summary>
    public static JsonObject Record(string name) => (JsonObject)JsonNode.Parse(Read(name))!["Records"]![0]!.DeepClone();

    /// <summary>An SQS event holding the given records, in that order.</summary>
    public static JsonElement SqsEvent(params JsonObject[] records) =>
        JsonSerializer.SerializeToElement(new JsonObject { ["Records"] = new JsonArray([.. records.Select(r => (JsonNode)r.DeepClone())]) }, RawJsonContext.Default.JsonObject);

    public static JsonElement EventBridge(string name) => JsonDocument.Parse(Read(name)).RootElement.Clone();

    public Task<Onboarding.Lambda.Events.SQSBatchResponse?> InvokeAsync(JsonElement input) => Function.HandleAsync(input, new TestContext());

    public async Task<SubscriptionState?> StateAsync() => (await StoredStateAsync())?.State;

    public Task<StoredSubscriptionState?> StoredStateAsync() =>
        States.GetAsync(new SubscriptionRef(null, ProductCode, Account, License).Key, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        Dynamo.Dispose();
        await Task.CompletedTask;
    }

    private async Task<string> CreateActiveRootCaAsync() =>
        (await MotoCertificateAuthority.CreateActiveRootAsync(moto.Endpoint, "Lifecycle Test Root CA")).Arn;

    internal sealed class RecordingAcmPca(IAmazonACMPCA inner) : IAmazonACMPCA
    {
        public List<string> Revoked { get; } = [];

        public Task<IssueCertificateResponse> IssueCertificateAsync(IssueCertificateRequest request, CancellationToken cancellationToken = default) =>
            inner.IssueCertificateAsync(request, cancellationToken);

        public Task<GetCertificateResponse> GetCertificateAsync(GetCertificateRequest request, CancellationToken cancellationToken = default) =>
            inner.GetCertificateAsync(request, cancellationToken);

        public Task<GetCertificateAuthorityCertificateResponse> GetCertificateAuthorityCertificateAsync(
            GetCertificateAuthorityCertificateRequest request, CancellationToken cancellationToken = default) =>
            inner.GetCertificateAuthorityCertificateAsync(request, cancellationToken);

        public async Task<RevokeCertificateResponse> RevokeCertificateAsync(RevokeCertificateRequest request, CancellationToken cancellationToken = default)
        {
            var response = await inner.RevokeCertificateAsync(request, cancellationToken);
            Revoked.Add(request.CertificateSerial!);
            return response;
        }
    }

    /// <summary>Runs <see cref="BeforeNextClaim"/> once, just before the next claim, as a concurrent request would.</summary>
    internal sealed class InterleavingOnboardingStore(IOnboardingStore inner) : IOnboardingStore
    {
        private Func<Task>? beforeNextClaim;

        public Func<Task>? BeforeNextClaim
        {
            set => beforeNextClaim = value;
        }

        public Task<OnboardingState?> GetAsync(string customerId, CancellationToken cancellationToken = default) =>
            inner.GetAsync(customerId, cancellationToken);

        public Task<(OnboardingState State, bool Created)> StartAsync(OnboardingState initial, CancellationToken cancellationToken = default) =>
            inner.StartAsync(initial, cancellationToken);

        public async Task<OnboardingClaim?> TryClaimAsync(string customerId, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref beforeNextClaim, null) is { } concurrently)
            {
                await concurrently();
            }

            return await inner.TryClaimAsync(customerId, owner, now, lease, cancellationToken);
        }

        public Task<OnboardingState> SaveAsync(OnboardingState state, string owner, CancellationToken cancellationToken = default) =>
            inner.SaveAsync(state, owner, cancellationToken);

        public Task ReleaseAsync(string customerId, string owner, CancellationToken cancellationToken = default) =>
            inner.ReleaseAsync(customerId, owner, cancellationToken);
    }

    /// <summary>Subscription listings grant every feed; GetEntitlements must not be called.</summary>
    private sealed class NoEntitlements : IAmazonMarketplaceEntitlementService
    {
        public Task<GetEntitlementsResponse> GetEntitlementsAsync(GetEntitlementsRequest request, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("A subscription listing does not call GetEntitlements.");
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class TestContext : ILambdaContext
    {
        public string AwsRequestId => "request-1";
        public string InvokedFunctionArn => "arn:aws:lambda:us-east-1:111122223333:function:lifecycle";
        public string FunctionName => "lifecycle";
        public string FunctionVersion => "$LATEST";
        public int MemoryLimitInMB => 512;
        public string LogGroupName => "/aws/lambda/lifecycle";
        public string LogStreamName => "stream";
        public string? TraceId => null;
        public DateTimeOffset Deadline => DateTimeOffset.MaxValue;
        public TimeSpan RemainingTime => TimeSpan.FromMinutes(1);
    }
}
