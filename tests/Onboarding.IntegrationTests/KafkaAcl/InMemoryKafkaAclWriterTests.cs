using Onboarding.Aws.KafkaAcl;
using Onboarding.Core.Acl;
using Onboarding.Core.Certificates;

namespace Onboarding.IntegrationTests.KafkaAcl;

public sealed class InMemoryKafkaAclWriterTests
{
    [Fact]
    public void InMemoryAcls_AskedForOnAwsLambda_AreRefused()
    {
        var variables = new Dictionary<string, string> { ["KAFKA_ACLS"] = "in-memory", ["LAMBDA_TASK_ROOT"] = "/var/task" };

        var error = Assert.Throws<InvalidOperationException>(() => InMemoryKafkaAclWriter.IsRequested(name => variables.GetValueOrDefault(name)));

        Assert.Contains("local stack only", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("kafka", false)]
    [InlineData("in-memory", true)]
    public void InMemoryAcls_AreUsedOnlyWhenTheLocalStackAsks(string? value, bool expected) =>
        Assert.Equal(expected, InMemoryKafkaAclWriter.IsRequested(name => name == "KAFKA_ACLS" ? value : null));

    [Fact]
    public async Task InMemoryAcls_SyncAndRevoke_ReportEveryRuleAndKeepOtherPrincipals()
    {
        var reported = new List<string>();
        var writer = new InMemoryKafkaAclWriter(reported.Add);
        var alice = KafkaPrincipal.ForDistinguishedName("CN=mp-alice,O=Feed");
        var bob = KafkaPrincipal.ForDistinguishedName("CN=mp-bob,O=Feed");
        await writer.SyncAsync(alice, AclPlan.Desired(alice, ["bars.enriched"], "mp-alice."));
        await writer.SyncAsync(bob, AclPlan.Desired(bob, ["bars.enriched"], "mp-bob."));

        await writer.RevokeAsync(alice);

        Assert.Empty(await writer.DescribeAsync(alice));
        Assert.Equal(AclPlan.Desired(bob, ["bars.enriched"], "mp-bob.").Count, (await writer.DescribeAsync(bob)).Count);
        Assert.Contains(reported, r => r.StartsWith("Local ACL removed", StringComparison.Ordinal) && r.Contains("mp-alice", StringComparison.Ordinal));
    }
}
