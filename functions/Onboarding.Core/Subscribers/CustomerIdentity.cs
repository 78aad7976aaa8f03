using System.Security.Cryptography;
using System.Text;

namespace Onboarding.Core.Subscribers;

/// <summary>The two ways AWS Marketplace names a buyer.</summary>
public enum CustomerIdentityModel
{
    /// <summary><c>CustomerIdentifier</c> + <c>ProductCode</c> (ResolveCustomer before concurrent agreements).</summary>
    CustomerIdentifier,

    /// <summary><c>CustomerAWSAccountId</c> + <c>LicenseArn</c> (concurrent agreements; one license per agreement).</summary>
    AccountAndLicense,
}

/// <summary>
/// Who a subscriber is on AWS Marketplace, in either identifier model, with one <see cref="StableId"/> that everything
/// we create for the customer is named after: certificate CN, consumer-group prefix, secret name, DynamoDB key.
/// </summary>
/// <remarks>
/// <para><see cref="StableId"/> is <c>mp-</c> followed by 26 lowercase base32 characters (a-z, 2-7) of SHA-256 over the
/// model name and the identifiers, separated by newlines (which no identifier may contain). That makes it
/// deterministic (a repeated POST or a lifecycle message for the same customer finds the same records without a lookup
/// index), 29 characters long, safe in a DN, a Kafka group name, a secret name and a DynamoDB key, and free of
/// Marketplace's case-sensitive identifiers, which a case-insensitive system could otherwise confuse.</para>
/// <para>Under concurrent agreements every license is its own identity: a buyer holding two agreements gets two
/// certificates and two ACL sets, each following the entitlement of its own license.</para>
/// </remarks>
public sealed record CustomerIdentity
{
    public const int MaxIdentifierLength = 256;
    public const int MaxLicenseArnLength = 2048;
    public const int StableIdLength = 29;
    private const string StableIdPrefix = "mp-";

    private CustomerIdentity(CustomerIdentityModel model, string first, string second)
    {
        Model = model;
        if (model == CustomerIdentityModel.CustomerIdentifier)
        {
            CustomerIdentifier = first;
            ProductCode = second;
        }
        else
        {
            AwsAccountId = first;
            LicenseArn = second;
        }

        StableId = ComputeStableId(model, first, second);
    }

    public CustomerIdentityModel Model { get; }

    public string? CustomerIdentifier { get; }

    public string? ProductCode { get; }

    public string? AwsAccountId { get; }

    public string? LicenseArn { get; }

    public string StableId { get; }

    /// <summary>Every consumer group of this customer starts with this; the ACL plan grants READ on it as a prefix.</summary>
    public string ConsumerGroupPrefix => StableId + ".";

    /// <summary>
    /// The name of the customer's Secrets Manager secret: <paramref name="prefix"/> (configured, ending with '/')
    /// followed by <see cref="StableId"/>, e.g. <c>marketplace-feed/subscribers/mp-…</c>.
    /// </summary>
    public string SecretName(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (!prefix.EndsWith('/') || prefix.Length > 256 || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '=' or '.' or '@' or '/' or '-'))
        {
            throw new ArgumentException("The secret prefix must consist of letters, digits and _+=.@/- and end with '/'.", nameof(prefix));
        }

        return prefix + StableId;
    }

    public static CustomerIdentity FromCustomerIdentifier(string customerIdentifier, string productCode)
    {
        Require("CustomerIdentifier", customerIdentifier, MaxIdentifierLength);
        Require("ProductCode", productCode, MaxIdentifierLength);
        return new CustomerIdentity(CustomerIdentityModel.CustomerIdentifier, customerIdentifier, productCode);
    }

    public static CustomerIdentity FromAccountAndLicense(string awsAccountId, string licenseArn)
    {
        Require("CustomerAWSAccountId", awsAccountId, 12);
        if (awsAccountId.Length != 12 || !awsAccountId.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"CustomerAWSAccountId must be 12 digits; got {awsAccountId.Length} characters.", nameof(awsAccountId));
        }

        Require("LicenseArn", licenseArn, MaxLicenseArnLength);
        if (!licenseArn.StartsWith("arn:", StringComparison.Ordinal) || !licenseArn.Contains(":license-manager:", StringComparison.Ordinal))
        {
            throw new ArgumentException("LicenseArn must be a License Manager ARN (arn:<partition>:license-manager:...).", nameof(licenseArn));
        }

        return new CustomerIdentity(CustomerIdentityModel.AccountAndLicense, awsAccountId, licenseArn);
    }

    /// <summary>True when <paramref name="value"/> has the shape of a <see cref="StableId"/>.</summary>
    public static bool IsStableId(string? value) =>
        value is { Length: StableIdLength }
        && value.StartsWith(StableIdPrefix, StringComparison.Ordinal)
        && value.AsSpan(StableIdPrefix.Length).IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyz234567") < 0;

    public override string ToString() => Model == CustomerIdentityModel.CustomerIdentifier
        ? $"{StableId} (CustomerIdentifier {CustomerIdentifier}, ProductCode {ProductCode})"
        : $"{StableId} (account {AwsAccountId}, license {LicenseArn})";

    private static void Require(string name, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{name} is required.", name);
        }

        if (value.Length > maxLength)
        {
            throw new ArgumentException($"{name} is longer than {maxLength} characters.", name);
        }

        if (value.Any(char.IsControl) || value.Trim().Length != value.Length)
        {
            throw new ArgumentException($"{name} contains control characters or surrounding whitespace.", name);
        }
    }

    private static string ComputeStableId(CustomerIdentityModel model, string first, string second)
    {
        var input = Encoding.UTF8.GetBytes($"{model}\n{first}\n{second}");
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, hash);
        return StableIdPrefix + Base32(hash)[..(StableIdLength - StableIdPrefix.Length)];
    }

    private static string Base32(ReadOnlySpan<byte> data)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var builder = new StringBuilder((data.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                builder.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            builder.Append(alphabet[(buffer << (5 - bits)) & 31]);
        }

        return builder.ToString();
    }
}
