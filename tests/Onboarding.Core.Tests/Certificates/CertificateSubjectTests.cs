using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Onboarding.Core.Certificates;
using Onboarding.Core.Subscribers;

namespace Onboarding.Core.Tests.Certificates;

public sealed class CertificateSubjectTests
{
    private static readonly CustomerIdentity Customer = CustomerIdentity.FromCustomerIdentifier("Ex8Ej5jR8fL", "prod-abc123");

    [Fact]
    public void Subject_ForACustomer_HasTheStableIdAsCnAndTheProvidersOrganization()
    {
        var subject = CertificateSubject.For(Customer, new CertificateSubjectOptions { Organization = "Example Market Data" });

        Assert.Equal(Customer.StableId, subject.CommonName);
        Assert.Equal($"CN={Customer.StableId},O=Example Market Data", subject.ToRfc2253());
        Assert.Equal($"User:CN={Customer.StableId},O=Example Market Data", subject.ToKafkaPrincipal().Value);
    }

    [Fact]
    public void Subject_OfAReissuedCertificate_DiffersFromTheRevokedOnesSoItsAclsNeverCoverTheOldCertificate()
    {
        var options = new CertificateSubjectOptions { Organization = "Example Market Data" };

        var first = CertificateSubject.For(Customer, options);
        var second = CertificateSubject.For(Customer, options, certificateGeneration: 2);
        var third = CertificateSubject.For(Customer, options, certificateGeneration: 3);

        Assert.Equal(first, CertificateSubject.For(Customer, options, certificateGeneration: 1));
        Assert.Equal($"{Customer.StableId}.g2", second.CommonName);
        Assert.Equal(3, new[] { first, second, third }.Select(s => s.ToKafkaPrincipal().Value).Distinct().Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => CertificateSubject.For(Customer, options, certificateGeneration: 0));
    }

    [Fact]
    public void Subject_WithOrganizationalUnit_PutsItBetweenCnAndO()
    {
        var subject = CertificateSubject.For(Customer, new CertificateSubjectOptions { Organization = "Example", OrganizationalUnit = "Feeds" });

        Assert.Equal($"CN={Customer.StableId},OU=Feeds,O=Example", subject.ToRfc2253());
    }

    [Theory]
    [InlineData("Acme, O=Admin", @"Acme\, O\=Admin")]
    [InlineData("a+CN=root", @"a\+CN\=root")]
    [InlineData("say \"hi\"", "say \\\"hi\\\"")]
    [InlineData(@"back\slash", @"back\\slash")]
    [InlineData("#hash", @"\#hash")]
    [InlineData("mid#hash", @"mid\#hash")]
    [InlineData("  two leading", @"\ \ two leading")]
    [InlineData("trailing ", @"trailing\ ")]
    [InlineData("a<b>c;d", @"a\<b\>c\;d")]
    [InlineData("Zürich AG", "Zürich AG")]
    [InlineData("inner  spaces", "inner  spaces")]
    public void EscapeValue_RendersValuesAsJavaX500PrincipalDoes(string value, string expected)
    {
        Assert.Equal(expected, DistinguishedName.EscapeValue(value));
    }

    [Fact]
    public void CompanyLikeValue_WithCommaAndEquals_AddsNoRdn()
    {
        var subject = CertificateSubject.Create(Customer.StableId, "Example", "Acme, O=Admin");

        var rdns = Parse(subject.ToRfc2253());

        Assert.Equal([("CN", Customer.StableId), ("OU", "Acme, O=Admin"), ("O", "Example")], rdns);
    }

    [Theory]
    [InlineData("Acme\nO=Admin")]
    [InlineData("Acme\r\n")]
    [InlineData("")]
    [InlineData("   ")]
    public void Create_WithNewlinesOrEmptyValues_RefusesToBuildASubject(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => CertificateSubject.Create(Customer.StableId, "Example", value));

        Assert.Contains("OU", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_WithValueLongerThanPcaAllows_SaysTheLimit()
    {
        var error = Assert.Throws<ArgumentException>(() => CertificateSubject.Create(Customer.StableId, new string('o', 65)));

        Assert.Contains("64", error.Message, StringComparison.Ordinal);
    }

    [Property(MaxTest = 300)]
    public Property AnyValue_EitherIsRefusedOrParsesBackToExactlyTheSameRdns() =>
        Prop.ForAll(NastyStrings().Two().ToArbitrary(), pair =>
        {
            CertificateSubject subject;
            try
            {
                subject = CertificateSubject.Create(Customer.StableId, pair.Item1, pair.Item2);
            }
            catch (ArgumentException)
            {
                // Refused values must be ones a DN cannot carry safely or PCA would not take.
                return Refusable(pair.Item1) || Refusable(pair.Item2);
            }

            var expected = new[] { ("CN", Customer.StableId), ("OU", pair.Item2), ("O", pair.Item1) };
            return Parse(subject.ToRfc2253()).SequenceEqual(expected)
                && Rdns(subject.ToX500DistinguishedName()).SequenceEqual(expected)
                && KafkaPrincipal.FromSubject(subject.ToX500DistinguishedName()) == subject.ToKafkaPrincipal();
        });

    [Fact]
    public void PrincipalFromAnIssuedCertificate_MatchesThePrincipalWeComputeFromTheSubject()
    {
        var subject = CertificateSubject.Create(Customer.StableId, "Example, Inc.", "Acme, O=Admin");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject.ToX500DistinguishedName(), key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100));

        Assert.Equal(subject.ToKafkaPrincipal(), KafkaPrincipal.FromCertificate(certificate));
        Assert.Equal(@"User:CN=" + Customer.StableId + @",OU=Acme\, O\=Admin,O=Example\, Inc.", KafkaPrincipal.FromCertificate(certificate).Value);
    }

    [Fact]
    public void BuiltName_IsEncodedOrganizationFirstAndCommonNameLast()
    {
        var name = CertificateSubject.Create(Customer.StableId, "Example", "Feeds").ToX500DistinguishedName();

        Assert.Equal(["Example", "Feeds", Customer.StableId], name.EnumerateRelativeDistinguishedNames(reversed: false).Select(r => r.GetSingleElementValue()));
    }

    [Theory]
    [InlineData(@"CN=a\3Db,O=x", "a=b")]
    [InlineData(@"CN=Z\C3\BCrich,O=x", "Zürich")]
    [InlineData(@"CN=\ a\ ,O=x", " a ")]
    public void Parse_UndoesEscapesAndHexPairs(string input, string cn)
    {
        Assert.Equal(cn, DistinguishedName.Parse(input)[^1].Value);
    }

    [Theory]
    [InlineData("CN=a,b")]
    [InlineData("CN=a+O=b")]
    [InlineData("CN=#0403")]
    [InlineData("CN=a\\")]
    [InlineData("CN=a,")]
    [InlineData("=a")]
    [InlineData("CN=\\FF")]
    public void Parse_WithAnythingAmbiguous_ThrowsFormatException(string input)
    {
        Assert.Throws<FormatException>(() => DistinguishedName.Parse(input));
    }

    [Property(MaxTest = 300)]
    public Property Parse_OfFormat_GivesBackTheSameRdns() =>
        Prop.ForAll(ArbMap.Default.GeneratorFor<string>().Where(s => s is not null && !s.Any(char.IsSurrogate)).Two().ToArbitrary(), pair =>
        {
            Rdn[] rdns = [new("O", pair.Item1), new("CN", pair.Item2)];
            return DistinguishedName.Parse(DistinguishedName.Format(rdns)).SequenceEqual(rdns);
        });

    [Fact]
    public void KafkaPrincipal_NeverWrapsAWildcard()
    {
        Assert.Throws<ArgumentException>(() => KafkaPrincipal.ForDistinguishedName("*"));
        Assert.Throws<FormatException>(() => KafkaPrincipal.Parse("Group:CN=x"));
    }

    private static bool Refusable(string value) =>
        string.IsNullOrWhiteSpace(value) || value.Length > CertificateSubject.MaxAttributeLength
        || RegistrationValidator.ForbiddenCharacterProblem(value) is not null;

    private static Gen<string> NastyStrings()
    {
        var special = Gen.Elements(',', '=', '+', '"', '\\', '#', ';', '<', '>', ' ', '\n', '\r', '\0', 'A', 'z', 'ü', '0', '.', '\u202E');
        var any = ArbMap.Default.GeneratorFor<char>();
        return Gen.Frequency((4, special), (1, any)).ArrayOf().Select(chars => new string(chars));
    }

    // .NET's string parser does not implement RFC 4514 backslash escapes (it rejects "\\," and keeps "\\=" literally), so
    // strings are parsed with ours, and .NET is the witness on the binary encoding (Rdns of the built name).
    private static (string, string)[] Parse(string rfc2253) =>
        DistinguishedName.Parse(rfc2253).Reverse().Select(r => (r.Type, r.Value)).ToArray();

    // Most significant last, as RFC 2253 strings read.
    private static (string, string)[] Rdns(X500DistinguishedName name) =>
        name.EnumerateRelativeDistinguishedNames(reversed: true)
            .Select(r => (r.GetSingleElementType().FriendlyName switch
            {
                "CN" => "CN",
                "O" => "O",
                "OU" => "OU",
                var other => other ?? r.GetSingleElementType().Value!,
            }, r.GetSingleElementValue()!))
            .ToArray();
}
