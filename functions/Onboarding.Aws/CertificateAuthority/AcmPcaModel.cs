using System.Text.Json.Serialization;
using Onboarding.Aws.AwsJson;

namespace Onboarding.Aws.CertificateAuthority;

// Shapes follow the ACM PCA API reference and the AWSSDK.ACMPCA model names, so that package can replace these.

public sealed record IssueCertificateRequest
{
    public string? CertificateAuthorityArn { get; init; }

    /// <summary>The PEM CSR bytes; base64 on the wire, as in the SDK (a blob member).</summary>
    [JsonConverter(typeof(Base64StreamConverter))]
    public MemoryStream? Csr { get; init; }

    /// <summary>One of <see cref="SigningAlgorithm"/>.</summary>
    public string? SigningAlgorithm { get; init; }

    public Validity? Validity { get; init; }

    public Validity? ValidityNotBefore { get; init; }

    public string? TemplateArn { get; init; }

    public ApiPassthrough? ApiPassthrough { get; init; }

    public string? IdempotencyToken { get; init; }
}

public sealed record IssueCertificateResponse
{
    public string? CertificateArn { get; init; }
}

public sealed record Validity
{
    /// <summary>One of <see cref="ValidityPeriodType"/>.</summary>
    public string? Type { get; init; }

    public long? Value { get; init; }
}

public sealed record ApiPassthrough
{
    public ASN1Subject? Subject { get; init; }
}

/// <summary>The subject distinguished name (the SDK calls it ASN1Subject).</summary>
public sealed record ASN1Subject
{
    public string? Country { get; init; }

    public string? Organization { get; init; }

    public string? OrganizationalUnit { get; init; }

    public string? DistinguishedNameQualifier { get; init; }

    public string? State { get; init; }

    public string? CommonName { get; init; }

    public string? SerialNumber { get; init; }

    public string? Locality { get; init; }

    public string? Title { get; init; }

    public string? Surname { get; init; }

    public string? GivenName { get; init; }

    public string? Initials { get; init; }

    public string? Pseudonym { get; init; }

    public string? GenerationQualifier { get; init; }
}

public sealed record GetCertificateRequest
{
    public string? CertificateAuthorityArn { get; init; }

    public string? CertificateArn { get; init; }
}

public sealed record GetCertificateResponse
{
    /// <summary>PEM.</summary>
    public string? Certificate { get; init; }

    /// <summary>PEM certificates of the issuing chain, issuing CA first (absent for a root certificate).</summary>
    public string? CertificateChain { get; init; }
}

public sealed record GetCertificateAuthorityCertificateRequest
{
    public string? CertificateAuthorityArn { get; init; }
}

public sealed record GetCertificateAuthorityCertificateResponse
{
    public string? Certificate { get; init; }

    public string? CertificateChain { get; init; }
}

public sealed record RevokeCertificateRequest
{
    public string? CertificateAuthorityArn { get; init; }

    /// <summary>Hexadecimal serial, as openssl prints it (colons optional).</summary>
    public string? CertificateSerial { get; init; }

    /// <summary>One of <see cref="RevocationReason"/>.</summary>
    public string? RevocationReason { get; init; }
}

public sealed record RevokeCertificateResponse;

public static class SigningAlgorithm
{
    public const string SHA256WITHECDSA = "SHA256WITHECDSA";
    public const string SHA384WITHECDSA = "SHA384WITHECDSA";
    public const string SHA512WITHECDSA = "SHA512WITHECDSA";
    public const string SHA256WITHRSA = "SHA256WITHRSA";
    public const string SHA384WITHRSA = "SHA384WITHRSA";
    public const string SHA512WITHRSA = "SHA512WITHRSA";
    public const string SM3WITHSM2 = "SM3WITHSM2";
    public const string ML_DSA_44 = "ML_DSA_44";
    public const string ML_DSA_65 = "ML_DSA_65";
    public const string ML_DSA_87 = "ML_DSA_87";
}

public static class ValidityPeriodType
{
    public const string END_DATE = "END_DATE";
    public const string ABSOLUTE = "ABSOLUTE";
    public const string DAYS = "DAYS";
    public const string MONTHS = "MONTHS";
    public const string YEARS = "YEARS";
}

public static class RevocationReason
{
    public const string UNSPECIFIED = "UNSPECIFIED";
    public const string KEY_COMPROMISE = "KEY_COMPROMISE";
    public const string CERTIFICATE_AUTHORITY_COMPROMISE = "CERTIFICATE_AUTHORITY_COMPROMISE";
    public const string AFFILIATION_CHANGED = "AFFILIATION_CHANGED";
    public const string SUPERSEDED = "SUPERSEDED";
    public const string CESSATION_OF_OPERATION = "CESSATION_OF_OPERATION";
    public const string PRIVILEGE_WITHDRAWN = "PRIVILEGE_WITHDRAWN";
    public const string A_A_COMPROMISE = "A_A_COMPROMISE";
}

/// <summary>ARNs of the AWS-managed certificate templates we use.</summary>
public static class CertificateTemplates
{
    public const string EndEntityCertificate = "arn:aws:acm-pca:::template/EndEntityCertificate/V1";
    public const string EndEntityClientAuthCertificate = "arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1";
    public const string EndEntityClientAuthApiPassthrough = "arn:aws:acm-pca:::template/EndEntityClientAuthCertificate_APIPassthrough/V1";
    public const string RootCACertificate = "arn:aws:acm-pca:::template/RootCACertificate/V1";
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IssueCertificateRequest))]
[JsonSerializable(typeof(IssueCertificateResponse))]
[JsonSerializable(typeof(GetCertificateRequest))]
[JsonSerializable(typeof(GetCertificateResponse))]
[JsonSerializable(typeof(GetCertificateAuthorityCertificateRequest))]
[JsonSerializable(typeof(GetCertificateAuthorityCertificateResponse))]
[JsonSerializable(typeof(RevokeCertificateRequest))]
[JsonSerializable(typeof(RevokeCertificateResponse))]
internal sealed partial class AcmPcaJsonContext : JsonSerializerContext;
