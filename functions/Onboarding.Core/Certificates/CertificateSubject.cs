using System.Security.Cryptography.X509Certificates;
using Onboarding.Core.Subscribers;

namespace Onboarding.Core.Certificates;

/// <summary>Where the certificate subject's fixed parts come from (configuration).</summary>
public sealed class CertificateSubjectOptions
{
    public const string SectionName = "CertificateSubject";
    public const string OrganizationVariable = "CERTIFICATE_ORGANIZATION";
    public const string OrganizationalUnitVariable = "CERTIFICATE_ORGANIZATIONAL_UNIT";

    /// <summary>The provider's organization, the subject's O. Env <see cref="OrganizationVariable"/>.</summary>
    public string Organization { get; set; } = string.Empty;

    /// <summary>Optional OU, e.g. "Market Data Subscribers". Env <see cref="OrganizationalUnitVariable"/>.</summary>
    public string? OrganizationalUnit { get; set; }
}

/// <summary>
/// The subject of a subscriber's client certificate. It is ours, never the buyer's: CN is the customer's
/// <see cref="CustomerIdentity.StableId"/>, O (and optionally OU) the provider's, from configuration. The buyer's
/// company name stays out of it on purpose, so the Kafka principal never depends on text a person typed and never
/// changes when a company renames itself; the escaping is nonetheless proven for arbitrary values.
/// </summary>
/// <remarks>
/// A buyer's CSR may carry any subject: ACM PCA takes the issued subject from <c>ApiPassthrough</c> when issuing with
/// the <c>EndEntityClientAuthCertificate_APIPassthrough</c> template, so the CSR contributes only the public key.
/// We encode O, OU, CN (most significant first, the conventional order); Java renders it reversed, so the predicted
/// principal reads <c>User:CN=…,OU=…,O=…</c>. Which order ACM PCA uses for an ApiPassthrough subject is not something
/// we can test here, so the ACLs are written for <see cref="KafkaPrincipal.FromCertificate"/> of the issued
/// certificate, which reads the order actually encoded.
/// </remarks>
public sealed record CertificateSubject
{
    /// <summary>ACM PCA's limit for CommonName, Organization and OrganizationalUnit in ApiPassthrough.</summary>
    public const int MaxAttributeLength = 64;

    private CertificateSubject(string commonName, string organization, string? organizationalUnit)
    {
        CommonName = commonName;
        Organization = organization;
        OrganizationalUnit = organizationalUnit;
    }

    public string CommonName { get; }

    public string Organization { get; }

    public string? OrganizationalUnit { get; }

    /// <summary>
    /// The subject of the customer's <paramref name="certificateGeneration"/>-th certificate. Generation 1 has
    /// CN = the stable id; a certificate issued after a revocation (re-subscription) gets CN = <c>&lt;stable id&gt;.g&lt;n&gt;</c>.
    /// MSK checks no revocation list and Kafka ACLs name the subject, so a new certificate with the old subject would
    /// give the revoked certificate its access back.
    /// </summary>
    public static CertificateSubject For(CustomerIdentity customer, CertificateSubjectOptions options, int certificateGeneration = 1)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(certificateGeneration, 1);
        var commonName = certificateGeneration == 1
            ? customer.StableId
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{customer.StableId}.g{certificateGeneration}");
        return Create(commonName, options.Organization, options.OrganizationalUnit);
    }

    /// <summary>Builds a subject from raw values; throws <see cref="ArgumentException"/> naming the bad attribute.</summary>
    public static CertificateSubject Create(string commonName, string organization, string? organizationalUnit = null)
    {
        Check("CN", commonName);
        Check("O", organization);
        if (organizationalUnit is not null)
        {
            Check("OU", organizationalUnit);
        }

        return new CertificateSubject(commonName, organization, organizationalUnit);
    }

    /// <summary>RDNs in encoding order (O, OU, CN).</summary>
    public IReadOnlyList<Rdn> Rdns => OrganizationalUnit is null
        ? [new Rdn("O", Organization), new Rdn("CN", CommonName)]
        : [new Rdn("O", Organization), new Rdn("OU", OrganizationalUnit), new Rdn("CN", CommonName)];

    /// <summary>The subject as Kafka (Java RFC 2253) prints it, e.g. <c>CN=mp-…,O=Example Data</c>.</summary>
    public string ToRfc2253() => DistinguishedName.Format(Rdns);

    public KafkaPrincipal ToKafkaPrincipal() => KafkaPrincipal.ForDistinguishedName(ToRfc2253());

    /// <summary>The same subject as an X.500 name, built attribute by attribute (no string parsing).</summary>
    public X500DistinguishedName ToX500DistinguishedName()
    {
        // The builder encodes the attribute added last first, so add CN first to encode O, OU, CN.
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(CommonName);
        if (OrganizationalUnit is not null)
        {
            builder.AddOrganizationalUnitName(OrganizationalUnit);
        }

        builder.AddOrganizationName(Organization);
        return builder.Build();
    }

    public override string ToString() => ToRfc2253();

    private static void Check(string attribute, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"Certificate subject {attribute} is empty.", attribute);
        }

        if (value.Length > MaxAttributeLength)
        {
            throw new ArgumentException($"Certificate subject {attribute} is longer than {MaxAttributeLength} characters.", attribute);
        }

        if (Subscribers.RegistrationValidator.ForbiddenCharacterProblem(value) is { } problem)
        {
            throw new ArgumentException($"Certificate subject {attribute} {problem}.", attribute);
        }
    }
}
