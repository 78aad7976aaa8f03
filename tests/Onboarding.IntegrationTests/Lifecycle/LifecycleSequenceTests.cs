using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Onboarding.Aws.SecretsManager;
using Onboarding.Core.Certificates;
using Onboarding.Core.Lifecycle;
using Onboarding.Core.Metering;
using Onboarding.Core.Onboarding;
using Onboarding.Core.Subscribers;
using Onboarding.IntegrationTests.Fixtures;
using Onboarding.Lifecycle;

namespace Onboarding.IntegrationTests.Lifecycle;

/// <summary>Lifecycle event sequences from <c>events/</c> through the Lifecycle function, in order, shuffled and duplicated.</summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class LifecycleSequenceTests(MotoFixture moto) : IAsyncLifetime
{
    private static readonly string[] SnsInOrder =
    [
        "sqs-sns-subscribe-success.json",
        "sqs-sns-entitlement-updated.json",
        "sqs-sns-unsubscribe-pending.json",
        "sqs-sns-unsubscribe-success.json",
    ];

    private static readonly string[] EventBridgeInOrder =
    [
        "eventbridge-agreement-created.json",
        "eventbridge-agreement-amended.json",
        "eventbridge-license-updated.json",
        "eventbridge-agreement-ended.json",
        "eventbridge-license-deprovisioned.json",
    ];

    private LifecycleStack stack = null!;

    public async Task InitializeAsync() => stack = await LifecycleStack.StartAsync(moto);

    public async Task DisposeAsync() => await stack.DisposeAsync();

    [Fact]
    public async Task SnsNotificationsInOrder_EndWithEveryAclRemovedCertificateRevokedSecretAndRecordsMarked()
    {
        var (certificate, secretArn, principal) = await stack.OnboardAsync();
        using var _ = certificate;
        Assert.Equal(5, stack.AclsOf(principal).Count); // READ+DESCRIBE on two topics, READ on the group prefix

        foreach (var name in SnsInOrder)
        {
            var response = await stack.InvokeAsync(LifecycleStack.SqsEvent(LifecycleStack.Record(name)));
            Assert.Empty(response!.BatchItemFailures);
        }

        await AssertRevokedAsync(principal, OnboardingLifecycleActions.SerialOf(certificate), secretArn);
        Assert.NotEmpty(stack.Marketplace.Billed); // final usage after unsubscribe-pending
    }

    [Fact]
    public async Task FinalUsage_OfASubscriberWhosePlanWasEmptied_BillsNothing_NotTheTopicsItOnboardedWith()
    {
        var (certificate, _, _) = await stack.OnboardAsync();
        using var _ = certificate;
        foreach (var name in SnsInOrder[..2])
        {
            Assert.Empty((await stack.InvokeAsync(LifecycleStack.SqsEvent(LifecycleStack.Record(name))))!.BatchItemFailures);
        }

        // A re-plan that removed every feed leaves the onboarding record's original topics behind.
        var plan = await stack.Subscribers.GetEntitlementsAsync(stack.Customer.StableId);
        await stack.Subscribers.SaveEntitlementsAsync(plan!.Value with { Topics = [] }, plan.Version);
        foreach (var name in SnsInOrder[2..])
        {
            Assert.Empty((await stack.InvokeAsync(LifecycleStack.SqsEvent(LifecycleStack.Record(name))))!.BatchItemFailures);
        }

        Assert.Empty(stack.Marketplace.Billed);
    }

    [Fact]
    public async Task FinalUsage_AfterADowngradeWithinTheWindow_BillsTheHoursUpToItAtTheBiggerPlan()
    {
        var (certificate, _, _) = await stack.OnboardAsync(); // quotes.us and trades.us
        using var _ = certificate;
        Assert.Empty((await stack.InvokeAsync(LifecycleStack.SqsEvent(LifecycleStack.Record(SnsInOrder[0]))))!.BatchItemFailures);
        // A re-plan two hours ago (13:30) cut the plan to quotes.us, as the lifecycle function writes it.
        var plan = await stack.Subscribers.GetEntitlementsAsync(stack.Customer.StableId);
        var downgradedAt = LifecycleStack.Now.AddHours(-2);
        await stack.Subscribers.SaveEntitlementsAsync(PlanHistory.Next(plan!.Value, stack.Customer, [], ["quotes.us"], downgradedAt), plan.Version);

        Assert.Empty((await stack.InvokeAsync(LifecycleStack.SqsEvent(LifecycleStack.Record("sqs-sns-unsubscribe-pending.json"))))!.BatchItemFailures);

        var billed = stack.Marketplace.Billed.ToDictionary(b => new DateTimeOffset(b.Hour, TimeSpan.Zero), b => b.Quantity);
        var firstHour = MeteringHours.EarliestBillableHour(LifecycleStack.Now, MeteringWindow.Marketplace);
        var expected = new Dictionary<DateTimeOffset, int>();
        for (var hour = firstHour; hour <= billed.Keys.Max(); hour += MeteringHours.Hour) // up to the hour the subscription ended
        {
            expected[hour] = hour < MeteringHours.HourStart(downgradedAt) + MeteringHours.Hour ? 2 : 1;
        }

        Assert.Equal(expected.OrderBy(e => e.Key), billed.OrderBy(e => e.Key));
        Assert.Equal(2, billed[MeteringHours.HourStart(downgradedAt)]); // the hour of the downgrade counts as a started hour of both plans
        Assert.Equal(1, billed[MeteringHours.HourStart(downgradedAt) + MeteringHours.Hour]);
    }

    [Fact]
    public async Task SnsNotificationsReversedAndDuplicatedInOneBatch_EndTheSameWayWithOneRevocation()
    {
        var (certificate, secretArn, principal) = await stack.OnboardAsync();
        using var _ = certificate;
        JsonObject[] records = [.. SnsInOrder.Reverse().Concat(SnsInOrder).Select(LifecycleStack.Record)];
        // Each SQS delivery of a duplicate has its own SQS message id; the SNS MessageId inside stays the same.
        for (var i = 0; i < records.Length; i++)
        {
            records[i]["messageId"] = $"sqs-{i}";
        }

        var response = await stack.InvokeAsync(LifecycleStack.SqsEvent(records));
        var again = await stack.InvokeAsync(LifecycleStack.SqsEvent(records));

        Assert.Empty(response!.BatchItemFailures);
        Assert.Empty(again!.BatchItemFailures);
        await AssertRevokedAsync(principal, OnboardingLifecycleActions.SerialOf(certificate), secretArn);
        // Each hour billed at most once however often final usage was requested.
        Assert.Equal(stack.Marketplace.Billed.Count, stack.Marketplace.Billed.Distinct().Count());
        Assert.Equal(stack.Marketplace.Billed.Count, stack.Marketplace.Billed.Select(b => (b.Customer, b.Dimension, b.Hour)).Distinct().Count());
    }

    [Fact]
    public async Task EventBridgeAgreementEvents_InAnyOrderWithDuplicates_RevokeOnceAndSendFinalUsage()
    {
        var (certificate, secretArn, principal) = await stack.OnboardAsync();
        using var _ = certificate;

        foreach (var name in EventBridgeInOrder.Reverse().Concat(EventBridgeInOrder))
        {
            Assert.Null(await stack.InvokeAsync(LifecycleStack.EventBridge(name)));
        }

        await AssertRevokedAsync(principal, OnboardingLifecycleActions.SerialOf(certificate), secretArn);
        var billed = Assert.Single(stack.Marketplace.Billed.Select(b => b.Customer).Distinct());
        Assert.Equal(LifecycleStack.License, billed);
        Assert.All(stack.Ledger.Entries, e => Assert.Equal(LedgerStatus.Reported, e.Status));
    }

    [Fact]
    public async Task ResubscribingAfterRevocation_StartsANewOnboardingWhoseAclsFollowLaterUpdates()
    {
        var (oldCertificate, _, oldPrincipal) = await stack.OnboardAsync();
        using var _ = oldCertificate;
        foreach (var name in SnsInOrder)
        {
            await stack.InvokeAsync(LifecycleStack.SqsEvent(LifecycleStack.Record(name)));
        }

        var restarted = await stack.Onboarding.GetAsync(stack.Customer.StableId);
        Assert.Equal((OnboardingStep.TokenResolved, 2), (restarted!.Step, restarted.CertificateGeneration));
        Assert.Null(restarted.CertificateArn);

        // Marketplace: the buyer subscribes again (a later notification), then registers again through the landing page.
        var resubscribe = LifecycleStack.Record("sqs-sns-subscribe-success.json");
        resubscribe["messageId"] = "sqs-resubscribe";
        var body = JsonNode.Parse((string)resubscribe["body"]!)!.AsObject();
        body["MessageId"] = "sns-resubscribe";
        body["Timestamp"] = "2026-11-23T15:25:00.000Z";
        resubscribe["body"] = body.ToJsonString();
        await stack.InvokeAsync(LifecycleStack.SqsEvent(resubscribe));
        Assert.Equal(SubscriptionStatus.Active, (await stack.StateAsync())!.Status);
        Assert.Empty(stack.AclsOf(oldPrincipal));

        var (newCertificate, _, newPrincipal) = await stack.OnboardAsync(generation: 2);
        using var __ = newCertificate;
        var update = LifecycleStack.Record("sqs-sns-entitlement-updated.json");
        var updateBody = JsonNode.Parse((string)update["body"]!)!.AsObject();
        updateBody["MessageId"] = "sns-update-2";
        updateBody["Timestamp"] = "2026-11-23T15:28:00.000Z";
        update["body"] = updateBody.ToJsonString();
        var response = await stack.InvokeAsync(LifecycleStack.SqsEvent(update));

        Assert.Empty(response!.BatchItemFailures);
        Assert.Equal(5, stack.AclsOf(newPrincipal).Count);
        Assert.Empty(stack.AclsOf(oldPrincipal));
        Assert.Equal(SubscriberStatus.Active, (await stack.Subscribers.GetAsync(stack.Customer.StableId))!.Value.Status);
    }

    [Fact]
    public async Task SubscribeFail_AfterARegistrationThatCameBeforeSubscribeSuccess_RevokesEverythingIssuedAndSuspends()
    {
        var (certificate, secretArn, principal) = await stack.OnboardAsync();
        using var _ = certificate;

        var response = await stack.InvokeAsync(LifecycleStack.SqsEvent(LifecycleStack.Record("sqs-sns-subscribe-fail.json")));

        Assert.Empty(response!.BatchItemFailures);
        await AssertRevokedAsync(principal, OnboardingLifecycleActions.SerialOf(certificate), secretArn, SubscriberStatus.Suspended, SubscriptionStatus.Failed);
    }

    [Fact]
    public async Task SubscribeFail_AfterSubscribeSuccess_RevokesEverythingAndRecordsTheSubscriberSuspendedNotUnsubscribed()
    {
        var (certificate, secretArn, principal) = await stack.OnboardAsync();
        using var _ = certificate;
        await stack.InvokeAsync(LifecycleStack.SqsEvent(LifecycleStack.Record("sqs-sns-subscribe-success.json")));
        var fail = LifecycleStack.Record("sqs-sns-subscribe-fail.json");
        var body = JsonNode.Parse((string)fail["body"]!)!.AsObject();
        body["Timestamp"] = "2026-11-20T09:30:00.000Z"; // after the sample subscribe-success (09:15)
        fail["body"] = body.ToJsonString();

        var response = await stack.InvokeAsync(LifecycleStack.SqsEvent(fail));

        Assert.Empty(response!.BatchItemFailures);
        await AssertRevokedAsync(principal, OnboardingLifecycleActions.SerialOf(certificate), secretArn, SubscriberStatus.Suspended, SubscriptionStatus.Failed);
    }

    [Theory]
    [InlineData("sqs-sns-unsubscribe-success.json", true, SubscriberStatus.Unsubscribed, SubscriptionStatus.Ended)]
    [InlineData("sqs-sns-subscribe-fail.json", false, SubscriberStatus.Suspended, SubscriptionStatus.Failed)]
    public async Task Revocation_WhenARegistrationIssuesCredentialsWhileItRuns_IsRetriedAndRevokesThemToo(
        string notification, bool subscribedFirst, SubscriberStatus subscriberStatus, SubscriptionStatus subscriptionStatus)
    {
        // Registered, no certificate yet: that is what the revocation reads first.
        var started = LifecycleStack.Now.AddDays(-4);
        await stack.Onboarding.StartAsync(OnboardingMachine.Start(stack.Customer, started));
        var claim = await stack.Onboarding.TryClaimAsync(stack.Customer.StableId, "landing", started, TimeSpan.FromMinutes(5));
        await stack.Onboarding.SaveAsync(claim!.State with { Step = OnboardingStep.Registered, Topics = stack.Feeds.AllTopics, KeyChoice = KeyChoice.GenerateKey }, "landing");
        await stack.Onboarding.ReleaseAsync(stack.Customer.StableId, "landing");
        if (subscribedFirst)
        {
            await stack.InvokeAsync(LifecycleStack.SqsEvent(LifecycleStack.Record("sqs-sns-subscribe-success.json")));
        }

        (X509Certificate2 Certificate, string SecretArn, KafkaPrincipal Principal)? issued = null;
        // ...and the registration completes between that read and the revocation's claim on the onboarding.
        stack.LifecycleOnboarding.BeforeNextClaim = async () => issued = await stack.OnboardAsync();

        var first = await stack.InvokeAsync(LifecycleStack.SqsEvent(LifecycleStack.Record(notification)));

        Assert.Single(first!.BatchItemFailures);
        var (certificate, secretArn, principal) = Assert.NotNull(issued);
        using var _ = certificate;
        // Not restarted over the new credentials: the record still names them, so the retry finds and revokes them.
        Assert.Equal(5, stack.AclsOf(principal).Count);
        Assert.Equal(principal.Value, (await stack.Onboarding.GetAsync(stack.Customer.StableId))!.KafkaPrincipal);
        // The state was saved before the revocation began (registration refuses from then on); its effects stay pending.
        var saved = await stack.StoredStateAsync();
        Assert.Equal(subscriptionStatus, saved!.State.Status);
        Assert.NotNull(saved.Pending);

        var retried = await stack.InvokeAsync(LifecycleStack.SqsEvent(LifecycleStack.Record(notification)));

        Assert.Empty(retried!.BatchItemFailures);
        await AssertRevokedAsync(principal, OnboardingLifecycleActions.SerialOf(certificate), secretArn, subscriberStatus, subscriptionStatus);
        Assert.Null((await stack.StoredStateAsync())!.Pending);
    }

    [Fact]
    public async Task NotificationsBeforeRegistration_OnlyRecordTheStateAndRegistrationFindsItActive()
    {
        var response = await stack.InvokeAsync(LifecycleStack.SqsEvent(
            LifecycleStack.Record("sqs-sns-entitlement-updated.json"), LifecycleStack.Record("sqs-sns-subscribe-success.json")));

        Assert.Empty(response!.BatchItemFailures);
        Assert.Equal(SubscriptionStatus.Active, (await stack.StateAsync())!.Status);
        Assert.Null(await stack.Onboarding.GetAsync(stack.Customer.StableId));
        Assert.Empty(stack.Pca.Revoked);
    }

    [Fact]
    public async Task BatchWithAnUnknownMessage_ReportsOnlyThatMessageForRedriveAndProcessesTheRest()
    {
        await stack.OnboardAsync();
        var garbage = LifecycleStack.Record("sqs-sns-subscribe-success.json");
        garbage["messageId"] = "sqs-garbage";
        garbage["body"] = """{"Type":"Notification","MessageId":"x","Message":"{\"action\":\"renew-everything\"}","Timestamp":"2026-11-23T15:00:00Z"}""";

        var response = await stack.InvokeAsync(LifecycleStack.SqsEvent(garbage, LifecycleStack.Record("sqs-sns-subscribe-success.json")));

        Assert.Equal(["sqs-garbage"], response!.BatchItemFailures.Select(f => f.ItemIdentifier));
        Assert.Equal(SubscriptionStatus.Active, (await stack.StateAsync())!.Status);
    }

    [Fact]
    public async Task EventOfNeitherTrigger_FailsTheInvocationWithAClearError()
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            stack.InvokeAsync(System.Text.Json.JsonDocument.Parse("""{"hello":"world"}""").RootElement));

        Assert.Contains("SQS event", error.Message, StringComparison.Ordinal);
    }

    private async Task AssertRevokedAsync(
        KafkaPrincipal principal, string serial, string secretArn,
        SubscriberStatus subscriberStatus = SubscriberStatus.Unsubscribed, SubscriptionStatus subscriptionStatus = SubscriptionStatus.Ended)
    {
        Assert.Empty(stack.AclsOf(principal));
        Assert.Equal(5, stack.AclsOf(LifecycleStack.Neighbour).Count + 2); // the neighbour's three rules are untouched
        Assert.Equal([serial], stack.Pca.Revoked);
        var secret = await stack.Secrets.DescribeSecretAsync(new DescribeSecretRequest { SecretId = secretArn });
        Assert.Contains(secret.Tags!, t => t.Key == LifecycleActionsOptions.StatusTag && t.Value == "revoked");
        Assert.Contains(secret.Tags!, t => t.Key == LifecycleActionsOptions.RevokedSerialTag && t.Value == serial);
        Assert.Equal(subscriberStatus, (await stack.Subscribers.GetAsync(stack.Customer.StableId))!.Value.Status);
        // The plan ended with the access: the hours before stay billed for it, a later subscription's are not.
        var plan = (await stack.Subscribers.GetEntitlementsAsync(stack.Customer.StableId))!.Value;
        Assert.Empty(plan.Topics);
        Assert.Equal(LifecycleStack.Now, plan.PlanSince);
        Assert.Equal(["quotes.us", "trades.us"], plan.PastPlans[^1].Topics);
        Assert.Equal(LifecycleStack.Now, plan.PastPlans[^1].Until);
        Assert.Equal(subscriptionStatus, (await stack.StateAsync())!.Status);
        var onboarding = await stack.Onboarding.GetAsync(stack.Customer.StableId);
        Assert.Equal((OnboardingStep.TokenResolved, 2, null), (onboarding!.Step, onboarding.CertificateGeneration, onboarding.KafkaPrincipal));
    }
}
