using Confluent.Kafka.Admin;
using Onboarding.Aws.KafkaAcl;
using Onboarding.Core.Acl;
using Onboarding.Core.Certificates;
using KafkaOperation = Confluent.Kafka.Admin.AclOperation;
using OurOperation = Onboarding.Core.Acl.AclOperation;

namespace Onboarding.IntegrationTests.KafkaAcl;

// The mock Kafka cluster has no ACL API: these run the production adapter against FakeAdminClient.
// How brokers enforce the written ACLs is verified only on MSK.
[Trait("Category", "Integration")]
public sealed class ConfluentKafkaAclWriterTests
{
    private static readonly KafkaPrincipal Alice = KafkaPrincipal.ForDistinguishedName("CN=mp-aaaaaaaaaaaaaaaaaaaaaaaaaa,O=Example\\, Inc.");
    private static readonly KafkaPrincipal Bob = KafkaPrincipal.ForDistinguishedName("CN=mp-bbbbbbbbbbbbbbbbbbbbbbbbbb,O=Example\\, Inc.");
    private const string AlicePrefix = "mp-aaaaaaaaaaaaaaaaaaaaaaaaaa.";
    private const string BobPrefix = "mp-bbbbbbbbbbbbbbbbbbbbbbbbbb.";

    [Fact]
    public async Task Sync_OnAnEmptyCluster_WritesExactlyThePlanWithKafkasTypes()
    {
        var (client, fake) = FakeAdminClient.Create();
        var writer = new ConfluentKafkaAclWriter(client);

        await writer.SyncAsync(Alice, AclPlan.Desired(Alice, ["quotes.us"], AlicePrefix));

        Assert.Equal(3, fake.Bindings.Count);
        Assert.Contains(fake.Bindings, b => b.Pattern.Type == ResourceType.Topic && b.Pattern.Name == "quotes.us"
            && b.Pattern.ResourcePatternType == ResourcePatternType.Literal && b.Entry.Operation == KafkaOperation.Read
            && b.Entry.PermissionType == AclPermissionType.Allow && b.Entry.Host == "*" && b.Entry.Principal == Alice.Value);
        Assert.Contains(fake.Bindings, b => b.Pattern.Type == ResourceType.Group && b.Pattern.Name == AlicePrefix
            && b.Pattern.ResourcePatternType == ResourcePatternType.Prefixed && b.Entry.Operation == KafkaOperation.Read);
        Assert.DoesNotContain(fake.Bindings, b => b.Entry.Operation is KafkaOperation.Write or KafkaOperation.All);
        Assert.Equal(["DescribeAclsAsync", "CreateAclsAsync"], fake.Calls);
    }

    [Fact]
    public async Task Sync_Repeated_ChangesNothingTheSecondTime()
    {
        var (client, fake) = FakeAdminClient.Create();
        var writer = new ConfluentKafkaAclWriter(client);
        var desired = AclPlan.Desired(Alice, ["quotes.us", "trades.us"], AlicePrefix);
        await writer.SyncAsync(Alice, desired);
        fake.Calls.Clear();

        var change = await writer.SyncAsync(Alice, desired);

        Assert.True(change.IsEmpty);
        Assert.Equal(["DescribeAclsAsync"], fake.Calls);
    }

    [Fact]
    public async Task Sync_AfterDowngrade_RemovesOnlyTheDroppedTopic_AndNeverTouchesAnotherPrincipal()
    {
        var (client, fake) = FakeAdminClient.Create();
        var writer = new ConfluentKafkaAclWriter(client);
        await writer.SyncAsync(Bob, AclPlan.Desired(Bob, ["quotes.us", "trades.us"], BobPrefix));
        await writer.SyncAsync(Alice, AclPlan.Desired(Alice, ["quotes.us", "trades.us"], AlicePrefix));
        var bobs = fake.Bindings.Where(b => b.Entry.Principal == Bob.Value).ToHashSet();

        var change = await writer.SyncAsync(Alice, AclPlan.Desired(Alice, ["quotes.us"], AlicePrefix));

        Assert.Equal(2, change.Removals.Count);
        Assert.All(change.Removals, r => Assert.Equal("trades.us", r.ResourceName));
        Assert.Empty(change.Additions);
        Assert.True(bobs.SetEquals(fake.Bindings.Where(b => b.Entry.Principal == Bob.Value)));
        Assert.Equal(3, fake.Bindings.Count(b => b.Entry.Principal == Alice.Value));
    }

    [Fact]
    public async Task Revoke_RemovesEveryBindingOfThePrincipal_IncludingOnesWeNeverWrote()
    {
        var (client, fake) = FakeAdminClient.Create();
        var writer = new ConfluentKafkaAclWriter(client);
        await writer.SyncAsync(Alice, AclPlan.Desired(Alice, ["quotes.us"], AlicePrefix));
        await writer.SyncAsync(Bob, AclPlan.Desired(Bob, ["quotes.us"], BobPrefix));
        fake.Bindings.Add(ConfluentKafkaAclWriter.ToBinding(new AclRule(Alice.Value, AclResourceType.Topic, "quotes.us", AclPatternType.Literal, OurOperation.Write)));

        await writer.RevokeAsync(Alice);

        Assert.DoesNotContain(fake.Bindings, b => b.Entry.Principal == Alice.Value);
        Assert.Equal(3, fake.Bindings.Count(b => b.Entry.Principal == Bob.Value));
    }

    [Fact]
    public async Task Apply_WhenTheClusterRefusesSomeBindings_ReportsWhichAndTheRetryAppliesOnlyWhatIsMissing()
    {
        var (client, fake) = FakeAdminClient.Create();
        var writer = new ConfluentKafkaAclWriter(client);
        var desired = AclPlan.Desired(Alice, ["quotes.us", "trades.us"], AlicePrefix);
        fake.RefuseResources.Add("trades.us");

        var error = await Assert.ThrowsAsync<AclWriteException>(() => writer.SyncAsync(Alice, desired));

        Assert.Equal(2, error.Failed.Count);
        Assert.All(error.Failed, f => Assert.Equal("trades.us", f.Rule.ResourceName));
        Assert.Contains("PolicyViolation", error.Failed[0].Reason, StringComparison.Ordinal);
        Assert.Equal(3, error.Applied.Count);
        Assert.Contains("failed for 2 of 5 rules", error.Message, StringComparison.Ordinal);
        Assert.Contains("Retrying applies only what is missing", error.Message, StringComparison.Ordinal);

        fake.RefuseResources.Clear();
        fake.Calls.Clear();
        var retry = await writer.SyncAsync(Alice, desired);

        Assert.Equal(2, retry.Additions.Count);
        Assert.All(retry.Additions, a => Assert.Equal("trades.us", a.ResourceName));
        Assert.Empty(retry.Removals);
        Assert.Equal(5, fake.Bindings.Count);
    }

    [Fact]
    public async Task Apply_WhenTheBrokerIsUnreachable_SaysSoAndClaimsNothingApplied()
    {
        var (client, fake) = FakeAdminClient.Create();
        var writer = new ConfluentKafkaAclWriter(client);
        var desired = AclPlan.Desired(Alice, ["quotes.us"], AlicePrefix);
        var change = AclPlan.Diff(Alice, [], desired);
        fake.Unreachable = true;

        var error = await Assert.ThrowsAsync<AclWriteException>(() => writer.ApplyAsync(change));

        Assert.Empty(error.Applied);
        Assert.Equal(3, error.Failed.Count);
        Assert.Contains("broker transport failure", error.Message, StringComparison.Ordinal);
        Assert.Empty(fake.Bindings);
    }

    [Fact]
    public async Task Describe_WhenTheBrokerIsUnreachable_NamesThePrincipal()
    {
        var (client, fake) = FakeAdminClient.Create();
        fake.Unreachable = true;

        var error = await Assert.ThrowsAsync<AclWriteException>(() => new ConfluentKafkaAclWriter(client).DescribeAsync(Alice));

        Assert.Contains(Alice.Value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mapping_RoundTripsEveryRuleTheWriterCanWrite()
    {
        foreach (var type in new[] { AclResourceType.Topic, AclResourceType.Group, AclResourceType.Cluster })
        {
            foreach (var operation in Enum.GetValues<OurOperation>())
            {
                foreach (var permission in Enum.GetValues<AclPermission>())
                {
                    var rule = new AclRule(Alice.Value, type, "name", AclPatternType.Prefixed, operation, permission);
                    Assert.Equal(rule, ConfluentKafkaAclWriter.ToRule(ConfluentKafkaAclWriter.ToBinding(rule)));
                    Assert.True(FakeAdminClient.Matches(ConfluentKafkaAclWriter.ToExactFilter(rule), ConfluentKafkaAclWriter.ToBinding(rule)));
                }
            }
        }
    }
}
