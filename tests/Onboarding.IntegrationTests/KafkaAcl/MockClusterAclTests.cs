using Onboarding.Aws.KafkaAcl;
using Onboarding.Core.Acl;
using Onboarding.Core.Certificates;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.KafkaAcl;

/// <summary>
/// The production admin client against librdkafka's mock cluster, which has no ACL API: what matters here is that the
/// writer turns that into a clear error naming the principal instead of hanging or crashing.
/// </summary>
[Collection(KafkaCollection.Name)]
[Trait("Category", "Integration")]
public sealed class MockClusterAclTests(KafkaFixture kafka)
{
    private static readonly KafkaPrincipal Alice = KafkaPrincipal.ForDistinguishedName("CN=mp-aaaaaaaaaaaaaaaaaaaaaaaaaa,O=Example");

    [Fact]
    public async Task Sync_AgainstAClusterWithoutAclSupport_FailsWithAClearErrorAndWritesNothing()
    {
        using var admin = KafkaAdminClientFactory.Create(new KafkaAdminOptions { BootstrapServers = kafka.BootstrapServers });
        var writer = new ConfluentKafkaAclWriter(admin, TimeSpan.FromSeconds(2));

        var error = await Assert.ThrowsAsync<AclWriteException>(() => writer.SyncAsync(Alice, AclPlan.Desired(Alice, ["quotes.us"], "mp-aaaaaaaaaaaaaaaaaaaaaaaaaa.")));

        Assert.Contains(Alice.Value, error.Message, StringComparison.Ordinal);
        Assert.Empty(error.Applied);
    }

    [Fact]
    public void Factory_WithCertificateButNoKey_IsRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => KafkaAdminClientFactory.Create(
            new KafkaAdminOptions { BootstrapServers = kafka.BootstrapServers, CertificatePem = "-----BEGIN CERTIFICATE-----" }));

        Assert.Contains("both", error.Message, StringComparison.Ordinal);
    }
}
