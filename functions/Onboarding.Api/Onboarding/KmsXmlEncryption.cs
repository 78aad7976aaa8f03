using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;
using Onboarding.Aws.Kms;

namespace Onboarding.Api.Onboarding;

/// <summary>Which KMS key encrypts the data-protection key ring; unset means the ring is stored as it is (local stack, tests).</summary>
public sealed partial class DataProtectionKmsOptions
{
    public const string KeyIdVariable = "DATA_PROTECTION_KMS_KEY_ID";

    /// <summary>Key id, key ARN, alias name or alias ARN; null when the variable is unset or empty.</summary>
    public string? KeyId { get; set; }

    public static bool IsValidKeyId(string keyId) => KeyIdPattern().IsMatch(keyId);

    [GeneratedRegex(@"^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key/[0-9a-zA-Z-]+|alias/[A-Za-z0-9/_-]+)|alias/[A-Za-z0-9/_-]+|(mrk-)?[0-9a-fA-F-]{32,36})$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyIdPattern();
}

/// <summary>
/// Encrypts each data-protection key element with AWS KMS before the repository stores it, so reading the onboarding
/// table is not enough to forge antiforgery tokens: the role must also be allowed to call kms:Decrypt on the key.
/// The encryption context names the application, and CloudTrail records it with every use of the key.
/// </summary>
public sealed class KmsXmlEncryptor : IXmlEncryptor
{
    private readonly IAmazonKeyManagementService kms;
    private readonly string keyId;
    private readonly Dictionary<string, string> context;

    public KmsXmlEncryptor(IAmazonKeyManagementService kms, string keyId, string applicationName)
    {
        ArgumentNullException.ThrowIfNull(kms);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        this.kms = kms;
        this.keyId = keyId;
        context = KmsXmlDecryptor.EncryptionContext(applicationName);
    }

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        try
        {
            // IXmlEncryptor is synchronous; it runs only when the ring makes a new key (every 90 days or at first start).
            var response = kms.EncryptAsync(new EncryptRequest
            {
                KeyId = keyId,
                Plaintext = new MemoryStream(plaintext, writable: false),
                EncryptionContext = context,
            }).GetAwaiter().GetResult();
            var ciphertext = response.CiphertextBlob?.ToArray() is { Length: > 0 } blob
                ? blob
                : throw new InvalidOperationException($"KMS Encrypt with key {keyId} answered without a ciphertext.");
            var element = new XElement(KmsXmlDecryptor.ElementName,
                new XComment(" This key is encrypted with AWS KMS. "),
                new XElement(KmsXmlDecryptor.KeyIdName, response.KeyId ?? keyId),
                new XElement(KmsXmlDecryptor.ValueName, Convert.ToBase64String(ciphertext)));
            return new EncryptedXmlInfo(element, typeof(KmsXmlDecryptor));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}

/// <summary>
/// The counterpart of <see cref="KmsXmlEncryptor"/>. The key manager creates it from the type name stored in the key
/// XML (through <c>IActivator</c>, with the app's service provider), so it takes the provider and resolves the KMS
/// client and the application name from it. The type and its constructor are kept for NativeAOT by the
/// <c>typeof</c> in <see cref="EncryptedXmlInfo"/> (annotated for public constructors) and by the
/// <c>DynamicDependency</c> on <see cref="OnboardingServices.AddOnboarding"/>.
/// </summary>
public sealed class KmsXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    internal const string ElementName = "encryptedKey";
    internal const string KeyIdName = "keyId";
    internal const string ValueName = "value";

    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        ArgumentNullException.ThrowIfNull(services);
        var kms = services.GetRequiredService<IAmazonKeyManagementService>();
        var application = services.GetRequiredService<IOptions<DataProtectionOptions>>().Value.ApplicationDiscriminator;
        var keyId = (string?)encryptedElement.Element(KeyIdName);
        var value = (string?)encryptedElement.Element(ValueName)
            ?? throw new InvalidOperationException($"A KMS-encrypted data-protection key has no <{ValueName}> element.");

        var response = kms.DecryptAsync(new DecryptRequest
        {
            CiphertextBlob = new MemoryStream(Convert.FromBase64String(value), writable: false),
            EncryptionContext = EncryptionContext(application),
            KeyId = keyId,
        }).GetAwaiter().GetResult();
        var plaintext = response.Plaintext?.ToArray() ?? throw new InvalidOperationException($"KMS Decrypt with key {keyId} answered without a plaintext.");
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    internal static Dictionary<string, string> EncryptionContext(string? applicationName) => new(StringComparer.Ordinal)
    {
        ["purpose"] = "aspnetcore-data-protection-key-ring",
        ["application"] = string.IsNullOrEmpty(applicationName)
            ? throw new InvalidOperationException("The data-protection application name must be set before keys are encrypted with KMS.")
            : applicationName,
    };
}
