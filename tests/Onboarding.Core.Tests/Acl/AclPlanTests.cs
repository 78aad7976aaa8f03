using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Onboarding.Core.Acl;
using Onboarding.Core.Certificates;

namespace Onboarding.Core.Tests.Acl;

public sealed class AclPlanTests
{
    private static readonly KafkaPrincipal Alice = KafkaPrincipal.ForDistinguishedName("CN=mp-aaaaaaaaaaaaaaaaaaaaaaaaaa,O=Example");
    private static readonly KafkaPrincipal Bob = KafkaPrincipal.ForDistinguishedName("CN=mp-bbbbbbbbbbbbbbbbbbbbbbbbbb,O=Example");
    private const string AlicePrefix = "mp-aaaaaaaaaaaaaaaaaaaaaaaaaa.";

    [Fact]
    public void Desired_GrantsReadAndDescribeOnEachTopicAndReadOnTheGroupPrefix_AndNothingElse()
    {
        var rules = AclPlan.Desired(Alice, ["quotes.us", "trades.us"], AlicePrefix);

        Assert.Equal(
            new HashSet<AclRule>
            {
                new(Alice.Value, AclResourceType.Topic, "quotes.us", AclPatternType.Literal, AclOperation.Read),
                new(Alice.Value, AclResourceType.Topic, "quotes.us", AclPatternType.Literal, AclOperation.Describe),
                new(Alice.Value, AclResourceType.Topic, "trades.us", AclPatternType.Literal, AclOperation.Read),
                new(Alice.Value, AclResourceType.Topic, "trades.us", AclPatternType.Literal, AclOperation.Describe),
                new(Alice.Value, AclResourceType.Group, AlicePrefix, AclPatternType.Prefixed, AclOperation.Read),
            },
            rules);
        Assert.All(rules, r => Assert.Equal(("*", AclPermission.Allow), (r.Host, r.Permission)));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("quotes.*")]
    [InlineData("")]
    public void Desired_WithAWildcardOrEmptyTopic_IsRefused(string topic)
    {
        Assert.Throws<ArgumentException>(() => AclPlan.Desired(Alice, [topic], AlicePrefix));
    }

    [Theory]
    [InlineData("")]
    [InlineData("*")]
    [InlineData("mp")]
    public void Desired_WithAnEmptyOrWildcardGroupPrefix_IsRefused(string prefix)
    {
        Assert.Throws<ArgumentException>(() => AclPlan.Desired(Alice, ["quotes.us"], prefix));
    }

    [Fact]
    public void Diff_AfterUpgrade_AddsOnlyTheNewTopic()
    {
        var current = AclPlan.Desired(Alice, ["quotes.us"], AlicePrefix);

        var change = AclPlan.Diff(Alice, current, AclPlan.Desired(Alice, ["quotes.us", "trades.us"], AlicePrefix));

        Assert.Empty(change.Removals);
        Assert.Equal([AclOperation.Read, AclOperation.Describe], change.Additions.Select(a => a.Operation).Order());
        Assert.All(change.Additions, a => Assert.Equal("trades.us", a.ResourceName));
    }

    [Fact]
    public void Diff_WhenNothingChanged_IsEmpty()
    {
        var rules = AclPlan.Desired(Alice, ["quotes.us"], AlicePrefix);

        Assert.True(AclPlan.Diff(Alice, rules, rules).IsEmpty);
    }

    [Fact]
    public void Diff_RemovesRulesThePlanNeverGrants_SuchAsAManualWrite()
    {
        var desired = AclPlan.Desired(Alice, ["quotes.us"], AlicePrefix);
        var write = new AclRule(Alice.Value, AclResourceType.Topic, "quotes.us", AclPatternType.Literal, AclOperation.Write);

        var change = AclPlan.Diff(Alice, desired.Append(write), desired);

        Assert.Equal([write], change.Removals);
        Assert.Empty(change.Additions);
    }

    [Fact]
    public void Revoke_RemovesEveryRuleOfThePrincipalAndNoOtherPrincipals()
    {
        var current = AclPlan.Desired(Alice, ["quotes.us"], AlicePrefix).Concat(AclPlan.Desired(Bob, ["quotes.us"], "mp-bbbbbbbbbbbbbbbbbbbbbbbbbb.")).ToList();

        var change = AclPlan.Revoke(Alice, current);

        Assert.Equal(3, change.Removals.Count);
        Assert.All(change.Removals, r => Assert.Equal(Alice.Value, r.Principal));
        Assert.Empty(change.Additions);
    }

    [Fact]
    public void Diff_WithDesiredRulesOfAnotherPrincipal_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => AclPlan.Diff(Alice, [], AclPlan.Desired(Bob, ["quotes.us"], "mp-bbbb.")));

        Assert.Contains(Bob.Value, error.Message, StringComparison.Ordinal);
    }

    private static readonly Gen<string[]> TopicSets =
        Gen.Elements("quotes.us", "trades.us", "bars.1m.us", "quotes.eu", "bars.5m.us").ArrayOf().Select(a => a.Distinct().ToArray());

    private static readonly Gen<AclRule> ForeignRules =
        from principal in Gen.Elements(Bob.Value, "User:CN=mp-aaaaaaaaaaaaaaaaaaaaaaaaaa,O=Other", "User:*")
        from type in Gen.Elements(AclResourceType.Topic, AclResourceType.Group, AclResourceType.Cluster)
        from name in Gen.Elements("quotes.us", "trades.us", AlicePrefix, "*", "kafka-cluster")
        from pattern in Gen.Elements(AclPatternType.Literal, AclPatternType.Prefixed)
        from op in Gen.Elements(AclOperation.Read, AclOperation.Write, AclOperation.Describe, AclOperation.All)
        select new AclRule(principal, type, name, pattern, op);

    [Property(MaxTest = 300)]
    public Property Diff_FromPlanAToPlanB_AppliedToTheClusterGivesPlanB_AndLeavesOtherPrincipalsAlone() =>
        Prop.ForAll(
            (from a in TopicSets from b in TopicSets from others in ForeignRules.ListOf() select (a, b, others)).ToArbitrary(),
            input =>
            {
                var (a, b, others) = input;
                var cluster = AclPlan.Desired(Alice, a, AlicePrefix).Concat(others).ToHashSet();
                var desired = AclPlan.Desired(Alice, b, AlicePrefix);

                var change = AclPlan.Diff(Alice, cluster, desired);
                var after = AclPlan.Apply(cluster, change);

                var mineAfter = after.Where(r => r.Principal == Alice.Value).ToHashSet();
                var othersAfter = after.Where(r => r.Principal != Alice.Value).ToHashSet();
                return mineAfter.SetEquals(desired)
                    && othersAfter.SetEquals(others)
                    && change.Additions.Concat(change.Removals).All(r => r.Principal == Alice.Value)
                    && !change.Additions.Intersect(change.Removals).Any()
                    && change.Additions.All(r => !cluster.Contains(r))
                    && change.Removals.All(r => cluster.Contains(r));
            });

    [Property(MaxTest = 200)]
    public Property Desired_ForAnyTopics_NeverGrantsWriteClusterOrWildcard() =>
        Prop.ForAll(TopicSets.ToArbitrary(), topics =>
            AclPlan.Desired(Alice, topics, AlicePrefix).All(r =>
                r.Operation is AclOperation.Read or AclOperation.Describe
                && r.ResourceType is AclResourceType.Topic or AclResourceType.Group
                && r.Permission == AclPermission.Allow
                && !r.ResourceName.Contains('*', StringComparison.Ordinal)
                && (r.PatternType == AclPatternType.Literal || (r.ResourceType == AclResourceType.Group && r.ResourceName == AlicePrefix))));
}
