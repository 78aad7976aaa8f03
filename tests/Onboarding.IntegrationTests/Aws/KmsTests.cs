using System.Text;
using System.Text.Json.Nodes;
using Onboarding.Aws.AwsJson;
using Onboarding.Aws.Kms;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Aws;

[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class KmsTests(MotoFixture moto) : IAsyncLifetime
{
    private static readonly Dictionary<string, string> Context = new() { ["application"] = "marketplace-onboarding" };

    private readonly AmazonKeyManagementServiceClient kms = new(MotoRaw.Options(moto));

    public Task InitializeAsync() => moto.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A new symmetric key on moto; returns its ARN.</summary>
    public static async Task<string> CreateKeyAsync(MotoFixture moto) =>
        (string)(await MotoRaw.CallAsync(moto, AwsJsonService.Kms, "CreateKey", new JsonObject { ["Description"] = "test key ring" }))["KeyMetadata"]!["Arn"]!;

    [Fact]
    public async Task EncryptThenDecrypt_WithTheSameContext_GivesBackThePlaintextAndNamesTheKey()
    {
        var keyArn = await CreateKeyAsync(moto);
        var plaintext = Encoding.UTF8.GetBytes("<masterKey>secret</masterKey>");

        var encrypted = await kms.EncryptAsync(new EncryptRequest { KeyId = keyArn, Plaintext = new MemoryStream(plaintext), EncryptionContext = Context });
        var decrypted = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob, EncryptionContext = Context });

        Assert.Equal(keyArn, encrypted.KeyId);
        Assert.NotEqual(plaintext, encrypted.CiphertextBlob!.ToArray());
        Assert.Equal(plaintext, decrypted.Plaintext!.ToArray());
        Assert.Equal(keyArn, decrypted.KeyId);
    }

    [Fact]
    public async Task Decrypt_WithAnotherContext_IsRefusedWithTheKmsErrorCode()
    {
        var keyArn = await CreateKeyAsync(moto);
        var encrypted = await kms.EncryptAsync(new EncryptRequest { KeyId = keyArn, Plaintext = new MemoryStream([1, 2, 3]), EncryptionContext = Context });

        var error = await Assert.ThrowsAnyAsync<AwsServiceException>(() => kms.DecryptAsync(new DecryptRequest
        {
            CiphertextBlob = encrypted.CiphertextBlob,
            EncryptionContext = new() { ["application"] = "someone-else" },
        }));

        Assert.Equal("InvalidCiphertextException", error.ErrorCode);
        Assert.Contains("KMS Decrypt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Encrypt_WithAnUnknownKey_NamesTheKeyInTheError()
    {
        const string missing = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000";

        var error = await Assert.ThrowsAnyAsync<AwsServiceException>(() =>
            kms.EncryptAsync(new EncryptRequest { KeyId = missing, Plaintext = new MemoryStream([1]) }));

        Assert.Equal("NotFoundException", error.ErrorCode);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }
}
