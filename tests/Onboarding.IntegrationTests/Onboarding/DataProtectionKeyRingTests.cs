using Amazon.DynamoDBv2.Model;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Onboarding.Api.Onboarding;
using Onboarding.IntegrationTests.Aws;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.OnboardingFlow;

/// <summary>The shared data-protection key ring (antiforgery tokens) in the onboarding table, with and without KMS.</summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class DataProtectionKeyRingTests(MotoFixture moto, SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task KeyRing_WithAKmsKeyConfigured_IsStoredWithoutTheMasterKeyAndAnotherInstanceReadsItThroughKms()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        var keyArn = await KmsTests.CreateKeyAsync(moto);
        app.WithSetting(DataProtectionKmsOptions.KeyIdVariable, keyArn);

        var protectedText = Protector(app).Protect("csrf-payload");
        await using var second = app.AnotherInstance();
        var unprotected = Protector(second).Unprotect(protectedText);

        Assert.Equal("csrf-payload", unprotected);
        var keys = await StoredKeysAsync(app);
        var key = Assert.Single(keys);
        Assert.DoesNotContain("<masterKey", key, StringComparison.Ordinal);
        Assert.Contains("<encryptedSecret decryptorType=\"" + typeof(KmsXmlDecryptor).FullName, key, StringComparison.Ordinal);
        Assert.Contains($"<keyId>{keyArn}</keyId>", key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyRing_WhenKmsRefusesTheKey_FailsLoudlyAndNeverStoresAPlaintextKey()
    {
        // A key KMS refuses (deleted, disabled, or a role without kms:Encrypt) must not make the app fall back to an
        // unencrypted ring: protecting fails (the landing page answers 5xx, which ApiServerErrorsAlarm reports) and
        // nothing is stored.
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        var keyArn = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000";
        app.WithSetting(DataProtectionKmsOptions.KeyIdVariable, keyArn);

        var error = Assert.ThrowsAny<Exception>(() => Protector(app).Protect("csrf-payload"));

        Assert.Contains("KMS", error.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await StoredKeysAsync(app));
    }

    [Fact]
    public async Task KeyRing_WithoutAKmsKey_IsStoredAsItIs_AsOnTheLocalStack()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);

        var protectedText = Protector(app).Protect("csrf-payload");
        await using var second = app.AnotherInstance();

        Assert.Equal("csrf-payload", Protector(second).Unprotect(protectedText));
        Assert.Contains("<masterKey", Assert.Single(await StoredKeysAsync(app)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_WithAKmsKeyIdThatIsNoKeyIdArnOrAlias_StopsTheAppNamingTheVariable()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        app.WithSetting(DataProtectionKmsOptions.KeyIdVariable, "my key");

        var error = Assert.ThrowsAny<Exception>(() => app.Services);

        Assert.Contains(DataProtectionKmsOptions.KeyIdVariable, error.ToString(), StringComparison.Ordinal);
    }

    private static IDataProtector Protector(OnboardingApp app) =>
        app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("key-ring-test");

    private static async Task<List<string>> StoredKeysAsync(OnboardingApp app)
    {
        var item = (await app.Dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = app.OnboardingTable,
            Key = new() { ["pk"] = new AttributeValue { S = "DATAPROTECTION" } },
            ConsistentRead = true,
        })).Item;
        return item is null ? [] : [.. item.Where(a => a.Key.StartsWith("key-", StringComparison.Ordinal)).Select(a => a.Value.S)];
    }
}

public sealed class DataProtectionKmsKeyIdTests
{
    [Theory]
    [InlineData("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", true)]
    [InlineData("arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/onboarding", true)]
    [InlineData("alias/onboarding/key-ring", true)]
    [InlineData("1234abcd-12ab-34cd-56ef-1234567890ab", true)]
    [InlineData("mrk-1234abcd12ab34cd56ef1234567890ab", true)]
    [InlineData("my key", false)]
    [InlineData("arn:aws:secretsmanager:us-east-1:123456789012:secret:x", false)]
    [InlineData("arn:aws:kms:us-east-1:123456789012:key/", false)]
    public void KeyId_IsAcceptedOnlyInAFormKmsUnderstands(string keyId, bool valid) =>
        Assert.Equal(valid, DataProtectionKmsOptions.IsValidKeyId(keyId));
}
