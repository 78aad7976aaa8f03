using System.Text.Json.Nodes;
using Onboarding.Aws.Marketplace;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Lifecycle;

/// <summary>Contract listings: an entitlement update calls GetEntitlements and applies the ACL plan's difference.</summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ContractReplanTests(MotoFixture moto) : IAsyncLifetime
{
    private readonly ContractEntitlements entitlements = new();
    private LifecycleStack stack = null!;

    public async Task InitializeAsync() => stack = await LifecycleStack.StartAsync(moto, entitlements);

    public async Task DisposeAsync() => await stack.DisposeAsync();

    [Fact]
    public async Task EntitlementUpdated_FromProToBasic_RemovesExactlyTheTopicNoLongerEntitled()
    {
        var (certificate, _, principal) = await stack.OnboardAsync(); // onboarded with every feed (pro)
        using var _ = certificate;
        await stack.InvokeAsync(LifecycleStack.SqsEvent(LifecycleStack.Record("sqs-sns-subscribe-success.json"))); // pro: nothing changes
        Assert.Equal(5, stack.AclsOf(principal).Count);
        entitlements.Dimension = "basic";

        var response = await stack.InvokeAsync(LifecycleStack.SqsEvent(Update("sns-update-1", "2026-11-22T10:00:00Z")));

        Assert.Empty(response!.BatchItemFailures);
        Assert.Equal(
            ["Group:mp-", "Topic:quotes.us:Describe", "Topic:quotes.us:Read"],
            stack.AclsOf(principal).Select(b => b.Pattern.Type == Confluent.Kafka.Admin.ResourceType.Group ? "Group:mp-" : $"Topic:{b.Pattern.Name}:{b.Entry.Operation}").Order());
        Assert.Equal(2, entitlements.Requests.Count); // activation, then the update
        var request = entitlements.Requests[^1];
        Assert.Equal(LifecycleStack.ProductCode, request.ProductCode);
        Assert.Equal([LifecycleStack.License], request.Filter![GetEntitlementFilterName.LICENSE_ARN]);
        var plan = await stack.Subscribers.GetEntitlementsAsync(stack.Customer.StableId);
        Assert.Equal(["quotes.us"], plan!.Value.Topics);
        Assert.Equal(LifecycleStack.Now, plan.Value.PlanSince); // the downgrade is billed from this hour on, not before
        var previous = Assert.Single(plan.Value.PastPlans);
        Assert.Equal(["quotes.us", "trades.us"], previous.Topics);
        Assert.Equal(LifecycleStack.Now, previous.Until);
    }

    [Fact]
    public async Task EntitlementUpdated_WithTheEntitlementExpired_RemovesEveryAclButKeepsTheCertificate()
    {
        var (certificate, _, principal) = await stack.OnboardAsync();
        using var _ = certificate;
        await stack.InvokeAsync(LifecycleStack.SqsEvent(LifecycleStack.Record("sqs-sns-subscribe-success.json")));
        entitlements.Expired = true;

        await stack.InvokeAsync(LifecycleStack.SqsEvent(Update("sns-update-2", "2026-11-22T11:00:00Z")));

        Assert.Empty(stack.AclsOf(principal));
        Assert.Empty(stack.Pca.Revoked);
    }

    private static JsonObject Update(string snsId, string timestamp)
    {
        var record = LifecycleStack.Record("sqs-sns-entitlement-updated.json");
        var body = JsonNode.Parse((string)record["body"]!)!.AsObject();
        body["MessageId"] = snsId;
        body["Timestamp"] = timestamp;
        record["body"] = body.ToJsonString();
        record["messageId"] = "sqs-" + snsId;
        return record;
    }

    private sealed class ContractEntitlements : IAmazonMarketplaceEntitlementService
    {
        public string Dimension { get; set; } = "pro";

        public bool Expired { get; set; }

        public List<GetEntitlementsRequest> Requests { get; } = [];

        public Task<GetEntitlementsResponse> GetEntitlementsAsync(GetEntitlementsRequest request, CancellationToken cancellationToken = default)
        {
            Requests.Add(request);
            return Task.FromResult(new GetEntitlementsResponse
            {
                Entitlements =
                [
                    new Entitlement
                    {
                        ProductCode = request.ProductCode,
                        Dimension = Dimension,
                        LicenseArn = LifecycleStack.License,
                        Value = new EntitlementValue { IntegerValue = 1 },
                        ExpirationDate = Expired ? new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) : new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc),
                    },
                ],
            });
        }
    }
}
