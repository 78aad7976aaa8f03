using Onboarding.Aws.AwsJson;
using Onboarding.Aws.SecretsManager;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Aws;

[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SecretsManagerTests(MotoFixture moto) : IAsyncLifetime
{
    private const string Name = "onboarding/acme/kafka-client";
    private readonly AmazonSecretsManagerClient secrets = new(MotoRaw.Options(moto));

    public Task InitializeAsync() => moto.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Secret_CreatedThenUpdated_ReadsBackTheLatestValueAsAwsCurrent()
    {
        var created = await secrets.CreateSecretAsync(new CreateSecretRequest
        {
            Name = Name,
            Description = "client key for Acme",
            SecretString = """{"password":"first"}""",
            Tags = [new() { Key = "customer", Value = "cust-acme" }],
        });
        var first = await secrets.GetSecretValueAsync(new() { SecretId = Name });
        var put = await secrets.PutSecretValueAsync(new PutSecretValueRequest { SecretId = Name, SecretString = """{"password":"second"}""" });
        var second = await secrets.GetSecretValueAsync(new() { SecretId = created.ARN });

        Assert.Equal(Name, created.Name);
        Assert.StartsWith("arn:aws:secretsmanager:us-east-1:", created.ARN, StringComparison.Ordinal);
        Assert.Equal("""{"password":"first"}""", first.SecretString);
        Assert.Equal(created.VersionId, first.VersionId);
        Assert.Equal("""{"password":"second"}""", second.SecretString);
        Assert.Equal(put.VersionId, second.VersionId);
        Assert.NotEqual(first.VersionId, second.VersionId);
        Assert.Contains("AWSCURRENT", second.VersionStages!);
        Assert.NotNull(second.CreatedDate);
    }

    [Fact]
    public async Task DescribeSecret_AfterTagResource_ShowsEveryTagAndTheCurrentVersion()
    {
        var created = await secrets.CreateSecretAsync(new CreateSecretRequest { Name = Name, SecretString = "v1", Tags = [new() { Key = "customer", Value = "cust-acme" }] });

        await secrets.TagResourceAsync(new TagResourceRequest { SecretId = Name, Tags = [new() { Key = "feed", Value = "equities" }] });
        var described = await secrets.DescribeSecretAsync(new() { SecretId = Name });

        Assert.Equal(created.ARN, described.ARN);
        Assert.Equal(
            [("customer", "cust-acme"), ("feed", "equities")],
            described.Tags!.Select(t => (t.Key, t.Value)).OrderBy(t => t.Key).ToList());
        Assert.Contains("AWSCURRENT", described.VersionIdsToStages![created.VersionId!]);
        Assert.NotNull(described.CreatedDate);
    }

    [Fact]
    public async Task UntagResource_RemovesOnlyTheNamedTags_AndAKeyTheSecretDoesNotCarryIsNoError()
    {
        await secrets.CreateSecretAsync(new CreateSecretRequest
        {
            Name = Name,
            SecretString = "v1",
            Tags = [new() { Key = "customer", Value = "cust-acme" }, new() { Key = "status", Value = "revoked" }, new() { Key = "revoked-at", Value = "2026-11-23T10:00:00Z" }],
        });

        await secrets.UntagResourceAsync(new UntagResourceRequest { SecretId = Name, TagKeys = ["status", "revoked-at", "never-set"] });
        await secrets.UntagResourceAsync(new UntagResourceRequest { SecretId = Name, TagKeys = ["status", "revoked-at", "never-set"] });
        var described = await secrets.DescribeSecretAsync(new() { SecretId = Name });

        Assert.Equal([("customer", "cust-acme")], described.Tags!.Select(t => (t.Key, t.Value)).ToList());
    }

    [Fact]
    public async Task UntagResource_UnknownSecret_ThrowsResourceNotFoundNamingTheSecret()
    {
        var error = await Assert.ThrowsAsync<ResourceNotFoundException>(
            () => secrets.UntagResourceAsync(new UntagResourceRequest { SecretId = "onboarding/nobody", TagKeys = ["status"] }));

        Assert.Contains("onboarding/nobody", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteSecret_ForceWithoutRecovery_LeavesNothingToRead()
    {
        await secrets.CreateSecretAsync(new CreateSecretRequest { Name = Name, SecretString = "v1" });

        var deleted = await secrets.DeleteSecretAsync(new() { SecretId = Name, ForceDeleteWithoutRecovery = true });

        Assert.Equal(Name, deleted.Name);
        Assert.NotNull(deleted.DeletionDate);
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => secrets.GetSecretValueAsync(new() { SecretId = Name }));
    }

    [Fact]
    public async Task GetSecretValue_UnknownSecret_ThrowsResourceNotFoundNamingTheSecret()
    {
        var error = await Assert.ThrowsAsync<ResourceNotFoundException>(() => secrets.GetSecretValueAsync(new() { SecretId = "onboarding/nobody" }));

        Assert.Contains("Secrets Manager GetSecretValue failed for onboarding/nobody", error.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(error.AwsMessage));
    }

    [Fact]
    public async Task CreateSecret_NameTaken_ThrowsResourceExistsWithoutTheValueInTheMessage()
    {
        const string value = "do-not-leak-this-value";
        await secrets.CreateSecretAsync(new CreateSecretRequest { Name = Name, SecretString = "v1" });

        var error = await Assert.ThrowsAsync<ResourceExistsException>(() =>
            secrets.CreateSecretAsync(new CreateSecretRequest { Name = Name, SecretString = value }));

        Assert.Contains(Name, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, error.ToString(), StringComparison.Ordinal);
    }
}
