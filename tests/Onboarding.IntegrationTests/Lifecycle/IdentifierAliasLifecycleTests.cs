using System.Text.Json.Nodes;
using Onboarding.Core.Lifecycle;
using Onboarding.Core.Subscribers;
using Onboarding.IntegrationTests.Fixtures;
using Onboarding.Lifecycle;

namespace Onboarding.IntegrationTests.Lifecycle;

/// <summary>
/// Notifications reach the subscriber they concern whichever identifier they carry, through the aliases the landing
/// flow records: the Lifecycle function on moto with the sample buyer onboarded under one model and notified under the other.
/// </summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class IdentifierAliasLifecycleTests(MotoFixture moto) : IAsyncLifetime
{
    private const string CustomerIdentifier = "QVpZWm5aTVlhWWg";

    /// <summary>What ResolveCustomer returns for the sample buyer: every identifier.</summary>
    private static readonly SubscriptionRef Resolved = new(CustomerIdentifier, LifecycleStack.ProductCode, LifecycleStack.Account, LifecycleStack.License);

    private LifecycleStack stack = null!;

    public async Task InitializeAsync() => stack = await LifecycleStack.StartAsync(moto);

    public async Task DisposeAsync() => await stack.DisposeAsync();

    [Fact]
    public async Task LicenseOnboardedBuyer_UnsubscribeSuccessNamingOnlyTheCustomerIdentifier_RemovesEveryAclAndRevokesTheCertificate()
    {
        var (certificate, _, principal) = await stack.OnboardAsync();
        using var _ = certificate;
        await stack.RecordAliasesAsync(Resolved);

        var response = await stack.InvokeAsync(LifecycleStack.SqsEvent(Sns("sqs-sns-unsubscribe-success.json", keep: ["customer-identifier", "product-code"])));

        Assert.Empty(response!.BatchItemFailures);
        Assert.Empty(stack.AclsOf(principal));
        Assert.NotEmpty(stack.AclsOf(LifecycleStack.Neighbour));
        Assert.Equal([OnboardingLifecycleActions.SerialOf(certificate)], stack.Pca.Revoked);
        Assert.Equal(SubscriberStatus.Unsubscribed, (await stack.Subscribers.GetAsync(stack.Customer.StableId))!.Value.Status);
        var state = (await stack.States.GetAsync(SubscriberAliases.SubscriberKey(stack.Customer.StableId), CancellationToken.None))!.State;
        Assert.Equal(SubscriptionStatus.Ended, state.Status);
    }

    [Fact]
    public async Task CustomerIdentifierOnboardedBuyer_LicenseDeprovisionedNamingOnlyAccountAndLicense_RemovesEveryAclAndRevokesTheCertificate()
    {
        // ResolveCustomer named the license but no account: onboarding used the legacy pair.
        stack.Customer = CustomerIdentity.FromCustomerIdentifier(CustomerIdentifier, LifecycleStack.ProductCode);
        var (certificate, _, principal) = await stack.OnboardAsync();
        using var _ = certificate;
        await stack.RecordAliasesAsync(Resolved with { CustomerAwsAccountId = null });

        await stack.InvokeAsync(LifecycleStack.EventBridge("eventbridge-license-deprovisioned.json"));

        Assert.Empty(stack.AclsOf(principal));
        Assert.Equal([OnboardingLifecycleActions.SerialOf(certificate)], stack.Pca.Revoked);
        Assert.Equal(SubscriberStatus.Unsubscribed, (await stack.Subscribers.GetAsync(stack.Customer.StableId))!.Value.Status);
    }

    [Fact]
    public async Task AgreementOnlyEvent_AfterTheAgreementWasSeenWithTheLicense_ReachesTheSubscriber()
    {
        var (certificate, _, principal) = await stack.OnboardAsync();
        using var _ = certificate;
        await stack.RecordAliasesAsync(Resolved);
        await stack.InvokeAsync(LifecycleStack.EventBridge("eventbridge-agreement-created.json"));

        var ended = (JsonObject)JsonNode.Parse(LifecycleStack.Read("eventbridge-agreement-ended.json"))!;
        ended["detail"]!.AsObject().Remove("licenseArns");
        await stack.InvokeAsync(System.Text.Json.JsonDocument.Parse(ended.ToJsonString()).RootElement.Clone());

        Assert.Empty(stack.AclsOf(principal));
        Assert.Equal([OnboardingLifecycleActions.SerialOf(certificate)], stack.Pca.Revoked);
        Assert.Null(await stack.States.GetAsync("agreement:agmt-4t7rkvfsrh8yf3oqzgv3w0d5m", CancellationToken.None));
    }

    [Fact]
    public async Task UnsubscribeSuccessOfAnUnknownCustomerIdentifier_OnlyRecordsItsStateAndLeavesTheOnboardedBuyerAlone()
    {
        var (certificate, _, principal) = await stack.OnboardAsync();
        using var _ = certificate;
        await stack.RecordAliasesAsync(Resolved);
        var stranger = Sns("sqs-sns-unsubscribe-success.json", keep: ["product-code"]);
        var body = JsonNode.Parse(stranger["body"]!.GetValue<string>())!.AsObject();
        var message = JsonNode.Parse(body["Message"]!.GetValue<string>())!.AsObject();
        message["customer-identifier"] = "c-stranger";
        body["Message"] = message.ToJsonString();
        stranger["body"] = body.ToJsonString();

        var response = await stack.InvokeAsync(LifecycleStack.SqsEvent(stranger));

        Assert.Empty(response!.BatchItemFailures);
        Assert.Equal(5, stack.AclsOf(principal).Count);
        Assert.Empty(stack.Pca.Revoked);
        var state = (await stack.States.GetAsync($"customer:{LifecycleStack.ProductCode}:c-stranger", CancellationToken.None))!.State;
        Assert.Equal(SubscriptionStatus.Ended, state.Status);
        Assert.Null(await stack.States.GetAliasAsync($"customer:{LifecycleStack.ProductCode}:c-stranger", CancellationToken.None));
    }

    /// <summary>A sample SNS record whose Marketplace message keeps only <paramref name="keep"/> (and the action).</summary>
    private static JsonObject Sns(string name, string[] keep)
    {
        var record = LifecycleStack.Record(name);
        var body = JsonNode.Parse(record["body"]!.GetValue<string>())!.AsObject();
        var message = JsonNode.Parse(body["Message"]!.GetValue<string>())!.AsObject();
        foreach (var field in message.Select(p => p.Key).Where(k => k != "action" && !keep.Contains(k)).ToList())
        {
            message.Remove(field);
        }

        body["Message"] = message.ToJsonString();
        record["body"] = body.ToJsonString();
        return record;
    }
}
