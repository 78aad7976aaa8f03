using System.Security.Cryptography.X509Certificates;

namespace Onboarding.Core.Certificates;

/// <summary>
/// A Kafka ACL principal for a TLS client, exactly as MSK's brokers derive it from the client certificate with
/// Kafka's default principal builder: <c>User:</c> + the subject as Java's <c>X500Principal.getName()</c> prints it.
/// </summary>
public readonly record struct KafkaPrincipal
{
    private const string Prefix = "User:";

    private KafkaPrincipal(string value) => Value = value;

    public string Value { get; }

    public static KafkaPrincipal ForDistinguishedName(string rfc2253)
    {
        if (string.IsNullOrWhiteSpace(rfc2253) || rfc2253 == "*")
        {
            throw new ArgumentException("A principal needs a distinguished name; wildcards are never granted.", nameof(rfc2253));
        }

        return new KafkaPrincipal(Prefix + rfc2253);
    }

    /// <summary>Parses a principal string such as one read back from the cluster.</summary>
    public static KafkaPrincipal Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new FormatException($"A Kafka user principal starts with '{Prefix}'.");
        }

        return ForDistinguishedName(value[Prefix.Length..]);
    }

    /// <summary>The principal of an issued certificate, reading its subject in the order it is really encoded.</summary>
    public static KafkaPrincipal FromCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return FromSubject(certificate.SubjectName);
    }

    public static KafkaPrincipal FromSubject(X500DistinguishedName subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var rdns = new List<Rdn>();
        foreach (var rdn in subject.EnumerateRelativeDistinguishedNames(reversed: false))
        {
            if (rdn.HasMultipleElements)
            {
                throw new NotSupportedException("Multi-valued RDNs are not used in subscriber certificates.");
            }

            var oid = rdn.GetSingleElementType().Value;
            var keyword = oid switch
            {
                "2.5.4.3" => "CN",
                "2.5.4.6" => "C",
                "2.5.4.7" => "L",
                "2.5.4.8" => "ST",
                "2.5.4.9" => "STREET",
                "2.5.4.10" => "O",
                "2.5.4.11" => "OU",
                "0.9.2342.19200300.100.1.25" => "DC",
                "0.9.2342.19200300.100.1.1" => "UID",
                _ => throw new NotSupportedException($"Subject attribute {oid} has no RFC 2253 keyword; Java would print it as a hex value, which we do not reproduce."),
            };
            var value = rdn.GetSingleElementValue() ?? throw new NotSupportedException($"Subject attribute {keyword} is not a string.");
            rdns.Add(new Rdn(keyword, value));
        }

        return ForDistinguishedName(DistinguishedName.Format(rdns));
    }

    public override string ToString() => Value;
}
